package org.layerbraid.tools.report;

/**
 * Classifies many 2-D points in one call, for {@link Charts#decisionMap}: a network evaluates a batch far faster
 * than the same points one at a time, so the map hands over its whole grid at once.
 */
@FunctionalInterface
public interface GridClassifier {
    /**
     * @param points n·2 coordinates, example-major ({@code x0, y0, x1, y1, …}) like {@code DataSet.examples()}
     * @return the n predicted class ids, each in {@code [0, classes)} of the data set being drawn
     */
    int[] classify(double[] points);
}
