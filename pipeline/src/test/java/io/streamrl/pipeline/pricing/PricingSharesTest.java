package io.streamrl.pipeline.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.pipeline.pricing.PricingDay.Group;
import java.util.List;
import org.junit.jupiter.api.Test;

class PricingSharesTest {

    private static PricingDay day(int d, Group learned, Group holdout) {
        return new PricingDay(d, learned, holdout, Group.EMPTY, learned.shops() + holdout.shops(), 0, 0, 0);
    }

    private static final List<PricingDay> DAYS = List.of(
            day(0, new Group(1, 4, 2), new Group(3, 4, 1)),
            day(1, new Group(2, 4, 2), Group.EMPTY),
            day(2, new Group(9, 10, 2), new Group(1, 2, 1)),
            day(3, new Group(3, 4, 2), new Group(1, 4, 1)));

    @Test
    void theShareOverTheLastDaysIsTheirSummedProfitOverTheirSummedOptimum() {
        PricingShares last2 = PricingShares.overLast(DAYS, 2);
        assertThat(last2.days()).isEqualTo(2);
        // (9 + 3) / (10 + 4), not the mean of 0.9 and 0.75
        assertThat(last2.learned()).isCloseTo(12.0 / 14.0, within(1e-12));
        assertThat(last2.holdout()).isCloseTo(2.0 / 6.0, within(1e-12));

        PricingShares all = PricingShares.overLast(DAYS, 100);
        assertThat(all.days()).isEqualTo(4);
        assertThat(all.learned()).isCloseTo(15.0 / 22.0, within(1e-12));
        assertThat(all.holdout()).isCloseTo(5.0 / 10.0, within(1e-12));
    }

    @Test
    void aWindowWithoutHoldoutShopsHasNoHoldoutShare() {
        PricingShares one = PricingShares.overLast(DAYS.subList(0, 2), 1);
        assertThat(one.learned()).isCloseTo(0.5, within(1e-12));
        assertThat(one.holdout()).isNaN();
        assertThat(PricingShares.overLast(List.of(), 3).learned()).isNaN();
        assertThat(Group.EMPTY.share()).isNaN();
    }

    @Test
    void kMustBeAtLeastOne() {
        assertThatThrownBy(() -> PricingShares.overLast(DAYS, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("k must be in [1, ");
    }

    @Test
    void aDayDescribesItselfForProgressLines() {
        assertThat(DAYS.get(2).describe()).isEqualTo("day 2: learned 90.00% (2 shops), holdout 50.00% (1 shops),"
                + " other 0; decisions 3 ok, 0 failed; rewards 0 scheduled, 0 lost");
        assertThat(DAYS.get(1).describe()).contains("holdout - (0 shops)");
    }
}
