package io.streamrl.learner;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ingest does with a record it cannot use (undecodable, or invalid for the environment),
 * besides counting it as rejected: online, {@link DeadLetterPublisher} writes it to the
 * dead-letter topic; offline, {@link #logOnly} only logs it, since an offline learner reads the
 * log without writing to it (a second offline run on the same log would otherwise dead-letter
 * the same records again).
 */
interface RejectedRecords {

    /** Called from an ingest thread. */
    void reject(ConsumerRecord<byte[], byte[]> record, Exception reason);

    /** Logs the first rejections at WARN, the rest at DEBUG; writes nothing. */
    static RejectedRecords logOnly() {
        Logger log = LoggerFactory.getLogger(RejectedRecords.class);
        AtomicLong count = new AtomicLong();
        return (record, reason) -> {
            long n = count.incrementAndGet();
            String where = record.topic() + "-" + record.partition() + "@" + record.offset();
            if (n <= 10) {
                log.warn("skipped {} (offline runs do not dead-letter): {}{}", where, reason.getMessage(),
                        n == 10 ? " (further skipped records are logged at DEBUG)" : "");
            } else {
                log.debug("skipped {}: {}", where, reason.getMessage());
            }
        };
    }
}
