/** The MLlib side: {@link dev.xent.ml.CrossEntropyEvaluator}, for pipelines and cross-validation. */
package dev.xent.ml;
