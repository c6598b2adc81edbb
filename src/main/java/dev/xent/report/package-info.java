/** Writers of evaluation results: the JSON summary. */
package dev.xent.report;
