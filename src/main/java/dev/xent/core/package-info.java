/** The numbers: PyTorch-exact cross-entropy kernels, options, exact sums and mergeable state. No Spark here. */
package dev.xent.core;
