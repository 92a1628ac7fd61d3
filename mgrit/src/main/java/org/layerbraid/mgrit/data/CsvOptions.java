package org.layerbraid.mgrit.data;

import java.util.List;
import java.util.Objects;

/**
 * How {@link Csv} reads a file: the delimiter, whether the first row is a header, which column holds the label, and
 * how the rows are split and transformed. Start from {@link #defaults()} and change what differs.
 *
 * @param delimiter          the cell separator: {@code ','}, {@code ';'} or a tab
 * @param header             whether the first row names the columns
 * @param labelName          the label column's header name, or null to choose it by index
 * @param labelIndex         the label column's 0-based index, or −1 for the last column (ignored with a name)
 * @param validationFraction the share of rows held out for validation, in (0, 1)
 * @param seed               seed of the shuffle that splits the rows
 * @param standardize        whether to standardise features with the training part's means and stds
 * @param classNames         the classes the labels must name, in class-id order (a model's), or empty to take them
 *                           from the data
 * @param featureNames       the feature columns wanted, in input order (a model's): a file with a header may list
 *                           them in any order, and must list exactly them; empty to take the file's order
 */
public record CsvOptions(char delimiter, Header header, String labelName, int labelIndex, double validationFraction,
        long seed, boolean standardize, List<String> classNames, List<String> featureNames) {

    /** Whether the first row is a header: detected, or forced either way. */
    public enum Header {
        /** A header if the first row has a non-numeric cell in a feature column, or a label column is named. */
        AUTO,
        PRESENT,
        ABSENT
    }

    public CsvOptions {
        if (delimiter != ',' && delimiter != ';' && delimiter != '\t') {
            throw new IllegalArgumentException("CSV delimiter must be ',', ';' or a tab, got '" + delimiter + "'");
        }
        Objects.requireNonNull(header, "header");
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
        if (labelIndex < -1) {
            throw new IllegalArgumentException("label column index must be 0 or more (or −1 for the last column), got "
                    + labelIndex);
        }
    }

    /** Comma-separated, header detected, label in the last column, 20 % validation, seed 1, standardised. */
    public static CsvOptions defaults() {
        return new CsvOptions(',', Header.AUTO, null, -1, 0.2, 1, true, List.of(), List.of());
    }

    public CsvOptions withDelimiter(char newDelimiter) {
        return new CsvOptions(newDelimiter, header, labelName, labelIndex, validationFraction, seed, standardize,
                classNames, featureNames);
    }

    public CsvOptions withHeader(Header newHeader) {
        return new CsvOptions(delimiter, newHeader, labelName, labelIndex, validationFraction, seed, standardize,
                classNames, featureNames);
    }

    /** The label column by its header name (which implies a header row). */
    public CsvOptions withLabelColumn(String name) {
        return new CsvOptions(delimiter, header, Objects.requireNonNull(name, "name"), -1, validationFraction, seed,
                standardize, classNames, featureNames);
    }

    /** The label column by 0-based index. */
    public CsvOptions withLabelColumn(int index) {
        return new CsvOptions(delimiter, header, null, index, validationFraction, seed, standardize,
                classNames, featureNames);
    }

    public CsvOptions withValidationFraction(double fraction) {
        return new CsvOptions(delimiter, header, labelName, labelIndex, fraction, seed, standardize,
                classNames, featureNames);
    }

    public CsvOptions withSeed(long newSeed) {
        return new CsvOptions(delimiter, header, labelName, labelIndex, validationFraction, newSeed, standardize,
                classNames, featureNames);
    }

    /** Labels mapped to these classes by name, in this id order; a label outside them is refused, naming its line. */
    public CsvOptions withClassNames(List<String> names) {
        return new CsvOptions(delimiter, header, labelName, labelIndex, validationFraction, seed, standardize, names,
                featureNames);
    }

    /** Feature columns matched by header name to these, in this order; a file naming others is refused. */
    public CsvOptions withFeatureNames(List<String> names) {
        return new CsvOptions(delimiter, header, labelName, labelIndex, validationFraction, seed, standardize,
                classNames, names);
    }

    public CsvOptions withStandardize(boolean on) {
        return new CsvOptions(delimiter, header, labelName, labelIndex, validationFraction, seed, on,
                classNames, featureNames);
    }
}
