package dev.xent.core;

import java.util.List;

/**
 * What a figure draws, described without drawing it: a bar chart with labelled axes and ticks, the tables shown with
 * it, and a note. A renderer (the HTML report) draws any chart from this alone, so it names no figure.
 *
 * <p>{@link Kind#COLUMNS}: vertical bars over an x axis running from {@code xFrom} to {@code xTo}; a bar spans
 * {@code [from, to)} on it and its height is {@code value / yMax} of the plot's height. {@link Kind#ROWS}: one
 * horizontal bar per row, labelled on the left, its length {@code value / yMax} of the plot's width (the x axis
 * then carries the values). A NaN or infinite value draws no bar (it stays in the bar's title). {@code width} and
 * {@code height} are the plot area's, in pixels; {@code diagonal} draws the line {@code y = x} (axes of the same
 * range).
 *
 * @param id      the element id
 * @param title   the section's heading
 * @param tables  shown with the chart (may be empty)
 * @param note    a line of text under the chart ({@code ""} for none)
 */
public record Chart(String id, String title, Kind kind, int width, int height, String xLabel, String yLabel,
        double xFrom, double xTo, double yMax, List<Tick> xTicks, List<Tick> yTicks, List<Bar> bars,
        boolean diagonal, List<Table> tables, String note) {

    /** Vertical bars over a continuous axis, or labelled horizontal bars. */
    public enum Kind {
        COLUMNS,
        ROWS
    }

    /** How a bar is coloured: plain, good (best classes) or bad (worst classes). */
    public enum Tone {
        PLAIN,
        GOOD,
        BAD
    }

    /**
     * One bar: its span on the x axis ({@link Kind#COLUMNS}), its value, its label ({@link Kind#ROWS}), its tooltip.
     */
    public record Bar(double from, double to, double value, String label, String title, Tone tone) {
    }

    /** A tick: its position on the axis, in the axis's units, and its label. */
    public record Tick(double at, String label) {
    }

    /** A table of a heading row and rows of values (numbers are shown rounded; text as it is). */
    public record Table(String id, List<String> header, List<List<Object>> rows) {
    }

    /** The ticks {@code 0, max/4, ..., max} with their values as labels (whole numbers when {@code whole}). */
    public static List<Tick> evenTicks(double max, boolean whole) {
        List<Tick> ticks = new java.util.ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double at = whole ? Math.round(max * i / 4.0) : max * i / 4.0;
            ticks.add(new Tick(at, whole ? Long.toString((long) at) : Numbers.shortText(at)));
        }
        return ticks;
    }
}
