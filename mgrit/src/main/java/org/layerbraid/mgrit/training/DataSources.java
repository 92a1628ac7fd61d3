package org.layerbraid.mgrit.training;

import java.io.IOException;
import java.util.List;
import org.layerbraid.mgrit.data.Csv;
import org.layerbraid.mgrit.data.CsvOptions;
import org.layerbraid.mgrit.data.DataSet;
import org.layerbraid.mgrit.data.FashionMnist;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.data.Standardization;

/** The data a run's settings name: the same settings always give the same split, bit for bit. */
public final class DataSources {
    private DataSources() {
    }

    /** Training and validation parts, CSV features standardised on the training part. */
    public static Split load(TrainSettings s) throws IOException {
        return switch (s.example()) {
            case "peaks" -> Peaks.generate(s.trainSize(), s.validationSize(), s.seed());
            case "fashion-mnist" -> s.limit() == 0 ? FashionMnist.load(s.fashionMnistDir())
                    : FashionMnist.load(s.fashionMnistDir(), s.limit());
            default -> Csv.read(s.data(), csvOptions(s));
        };
    }

    /**
     * As {@link #load}, but for a model: CSV features standardised with its transform, labels mapped to its class
     * names and columns to its feature names (either list empty: by position, as older model files need).
     */
    public static Split load(TrainSettings s, Standardization standardization, List<String> classNames,
            List<String> featureNames) throws IOException {
        if (!s.example().equals("csv")) {
            return load(s);
        }
        Split raw = Csv.read(s.data(), csvOptions(s).withStandardize(false).withClassNames(classNames)
                .withFeatureNames(featureNames));
        if (raw.train().features() != standardization.features()) {
            throw new IllegalArgumentException(s.data() + " has " + raw.train().features() + " feature columns, the "
                    + "model was trained on " + standardization.features());
        }
        return new Split(apply(raw.train(), standardization), apply(raw.validation(), standardization),
                standardization);
    }

    private static DataSet apply(DataSet d, Standardization t) {
        return new DataSet(d.name(), d.features(), t.apply(d.examples()), d.labels(), d.classNames(), d.featureNames());
    }

    private static CsvOptions csvOptions(TrainSettings s) {
        CsvOptions o = CsvOptions.defaults().withValidationFraction(s.validationFraction()).withSeed(s.seed());
        if (s.labelColumn() != null) {
            o = s.labelColumn().matches("\\d+") ? o.withLabelColumn(Integer.parseInt(s.labelColumn()))
                    : o.withLabelColumn(s.labelColumn());
        }
        return o;
    }
}
