package org.layerbraid.mgrit.data;

import java.util.Objects;

/**
 * Training and validation data of one problem, with the feature transform already applied to both, kept so a
 * trained model can apply it to new inputs. Both parts have the same features and the same classes.
 *
 * @param train           the data the optimiser sees
 * @param validation      held-out data for accuracy reports
 * @param standardization the transform applied to both parts (the identity if none)
 */
public record Split(DataSet train, DataSet validation, Standardization standardization) {
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(standardization, "standardization");
        if (train.features() != validation.features() || !train.classNames().equals(validation.classNames())) {
            throw new IllegalArgumentException("train " + train + " and validation " + validation
                    + " must have the same features and classes");
        }
        if (standardization.features() != train.features()) {
            throw new IllegalArgumentException("standardization for " + standardization.features()
                    + " features does not fit " + train);
        }
    }

    /** A split of data that was not transformed. */
    public Split(DataSet train, DataSet validation) {
        this(train, validation, Standardization.identity(train.features()));
    }
}
