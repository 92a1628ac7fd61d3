package org.layerbraid.mgrit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.nn.Initialization;

class DataInitialisationTest {
    @Test
    void csvRunsStartFromAScaledNormalInitialisationUnlessOneIsChosen() {
        TrainSettings csv = TrainSettings.builder().example("csv").data(Path.of("d.csv")).width(16).build();
        TrainSettings chosen = csv.withDataInitialisation();
        assertEquals(Initialization.Kind.NORMAL, chosen.init());
        assertEquals(0.25, chosen.initOpening());
        assertEquals(0.25, chosen.initLayers());
        assertEquals(0.25, chosen.initClassifier());

        TrainSettings peaks = TrainSettings.builder().build();
        assertSame(peaks, peaks.withDataInitialisation());
        TrainSettings given = csv.toBuilder().initLayers(0.01).build();
        assertSame(given, given.withDataInitialisation());
    }
}
