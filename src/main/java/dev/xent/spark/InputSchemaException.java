package dev.xent.spark;

/** An input whose columns cannot be evaluated: a column that is missing or of the wrong type. */
public final class InputSchemaException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InputSchemaException(String message) {
        super(message);
    }
}
