package io.streamrl.core.compute.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelChooserTest {

    /** A clock that the "products" below advance by their copy's cost. */
    private long now;

    @Test
    void takesTurnsThenKeepsTheCopyWithTheFewestNanosecondsPerFlop() {
        Map<String, Long> nanosPerProduct = Map.of("a", 30L, "b", 20L, "c", 25L);
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b", "c"), () -> now, 1_000, 3_000);
        List<String> used = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String copy = chooser.begin(KernelChooser.MIN_MACS);
            used.add(copy);
            now += nanosPerProduct.get(copy);
            chooser.end(100);
        }
        // Each full cycle of turns starts one candidate further on.
        assertThat(used.subList(0, 9)).containsExactly("a", "b", "c", "b", "c", "a", "c", "a", "b");
        assertThat(chooser.chosen()).contains("b");
        assertThat(used.subList(used.size() - 100, used.size())).containsOnly("b");
    }

    @Test
    void aProductBelowTheMinimumRunsOnTheFirstCandidateAndTakesNoTurn() {
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b", "c"), () -> now, 1_000, 3_000);
        for (int i = 0; i < 5_000; i++) {
            assertThat(chooser.begin(KernelChooser.MIN_MACS - 1)).isEqualTo("a");
            now += 1_000;
            chooser.end(100);
        }
        assertThat(chooser.chosen()).isEmpty();
        // Turns start where they would have without the small products.
        assertThat(chooser.begin(KernelChooser.MIN_MACS)).isEqualTo("a");
        chooser.end(100);
        assertThat(chooser.begin(KernelChooser.MIN_MACS)).isEqualTo("b");
    }

    @Test
    void weighsEachProductByItsFlops() {
        // "a" does four times the work per product in twice the time: it is the faster kernel.
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b"), () -> now, 0, 1_000);
        while (chooser.chosen().isEmpty()) {
            String copy = chooser.begin(KernelChooser.MIN_MACS);
            now += copy.equals("a") ? 20 : 10;
            chooser.end(copy.equals("a") ? 400 : 100);
        }
        assertThat(chooser.chosen()).contains("a");
    }

    @Test
    void timesNothingBeforeTheWarmUpIsOver() {
        // "a" is slow only while warming up (its first, uncompiled products): that must not count.
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b"), () -> now, 1_000, 1_000);
        int products = 0;
        while (chooser.chosen().isEmpty()) {
            String copy = chooser.begin(KernelChooser.MIN_MACS);
            now += copy.equals("a") ? (products < 10 ? 200 : 10) : 15;
            chooser.end(100);
            products++;
        }
        assertThat(chooser.chosen()).contains("a");
    }

    @Test
    void warmsUpUntilEveryCandidateRanEnoughProductsWhateverTheTime() {
        // "a" is faster once compiled, but each of its first (uncompiled) products alone outlasts
        // both phases: without the minimum, the measurement would time one of them and choose "b".
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b"), () -> now, 1_000, 1_000);
        int aProducts = 0;
        while (chooser.chosen().isEmpty()) {
            String copy = chooser.begin(KernelChooser.MIN_MACS);
            if (copy.equals("a")) {
                now += aProducts++ < KernelChooser.MIN_PRODUCTS ? 10_000 : 10;
            } else {
                now += 15;
            }
            chooser.end(100);
        }
        assertThat(chooser.chosen()).contains("a");
        assertThat(aProducts).isGreaterThanOrEqualTo(2 * KernelChooser.MIN_PRODUCTS);
    }

    @Test
    void aRepeatingSequenceOfProductsReachesEveryCandidate() {
        // Updates alternate a large product and a thin one; "b" is faster on both. With plain
        // turns "a" would only ever time the large products and "b" the thin ones.
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b"), () -> now, 0, 10_000);
        int product = 0;
        while (chooser.chosen().isEmpty()) {
            String copy = chooser.begin(KernelChooser.MIN_MACS);
            now += copy.equals("a") ? 12 : 10;
            chooser.end(product++ % 2 == 0 ? 1_000 : 1);
        }
        assertThat(chooser.chosen()).contains("b");
    }

    @Test
    void workOutsideTheChoiceRunsOnTheFirstCandidateUntilOneIsChosen() {
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("a", "b"), () -> now, 0, 100);
        assertThat(chooser.chosenOrFirst()).isEqualTo("a");
        while (chooser.chosen().isEmpty()) {
            String copy = chooser.begin(KernelChooser.MIN_MACS);
            now += copy.equals("a") ? 20 : 10;
            chooser.end(100);
        }
        assertThat(chooser.chosenOrFirst()).isEqualTo("b");
    }

    @Test
    void aSingleCopyIsChosenAtOnce() {
        KernelChooser<String> chooser = new KernelChooser<>("test", List.of("only"), () -> now);
        assertThat(chooser.chosen()).contains("only");
        assertThat(chooser.begin(KernelChooser.MIN_MACS)).isEqualTo("only");
    }

    @Test
    void refusesAnEmptyList() {
        assertThatThrownBy(() -> new KernelChooser<String>("test", List.of(), () -> now))
                .hasMessageContaining("at least one kernel copy");
    }
}
