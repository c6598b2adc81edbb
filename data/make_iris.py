"""Writes data/iris.csv: Fisher's iris measurements as shipped inside scikit-learn (150 rows, no download).

Used by the MLlib evaluator tests, which fit Spark's LogisticRegression on it.
Run from the repository root:  /usr/bin/python3 data/make_iris.py   (apt-get install -y python3-sklearn)
"""
import os

from sklearn.datasets import load_iris

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    iris = load_iris()
    with open(os.path.join(HERE, "iris.csv"), "w") as f:
        f.write("sepal_length,sepal_width,petal_length,petal_width,label\n")
        for row, label in zip(iris.data, iris.target):
            f.write(",".join(repr(float(v)) for v in row) + ",%d\n" % label)


if __name__ == "__main__":
    main()
