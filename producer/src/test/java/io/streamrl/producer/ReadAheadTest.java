package io.streamrl.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    @Test
    void everyItemArrivesOnceInOrderWhateverTheBatchSize() throws IOException {
        for (int batchSize : new int[] {1, 7, 256, 1000}) {
            List<Integer> taken = new ArrayList<>();
            try (ReadAhead<Integer> ahead = new ReadAhead<>("test", counter(1000), batchSize, 2)) {
                for (Integer i = ahead.take(); i != null; i = ahead.take()) {
                    taken.add(i);
                }
                assertThat(ahead.take()).isNull();
            }
            assertThat(taken).as("batch size %d", batchSize).hasSize(1000);
            for (int i = 0; i < taken.size(); i++) {
                assertThat(taken.get(i)).isEqualTo(i);
            }
        }
    }

    @Test
    void theSourcesFailureComesAfterTheItemsBeforeIt() throws IOException {
        AtomicInteger n = new AtomicInteger();
        ReadAhead.Source<Integer> breaking = () -> {
            int i = n.getAndIncrement();
            if (i == 10) {
                throw new BadFileException("file.csv breaks off after line 11");
            }
            return i;
        };
        try (ReadAhead<Integer> ahead = new ReadAhead<>("test", breaking, 4, 2)) {
            for (int i = 0; i < 10; i++) {
                assertThat(ahead.take()).isEqualTo(i);
            }
            assertThatThrownBy(ahead::take).isInstanceOf(BadFileException.class).hasMessageContaining("line 11");
        }
    }

    @Test
    void closeStopsTheSourceWhileItIsAhead() {
        AtomicInteger produced = new AtomicInteger();
        ReadAhead.Source<Integer> endless = produced::getAndIncrement;
        ReadAhead<Integer> ahead = new ReadAhead<>("test", endless, 8, 2);
        ahead.close();
        int after = produced.get();
        // At most the queue's two batches, the one being filled and the item in hand.
        assertThat(after).isLessThanOrEqualTo(8 * 4 + 1);
        assertThat(produced.get()).isEqualTo(after);
    }

    private static ReadAhead.Source<Integer> counter(int count) {
        AtomicInteger n = new AtomicInteger();
        return () -> n.get() < count ? n.getAndIncrement() : null;
    }
}
