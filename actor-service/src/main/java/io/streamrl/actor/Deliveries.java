package io.streamrl.actor;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one kind of record and counts what became of each: every send is counted as sent, then
 * exactly once as acknowledged or failed, so that after a flush {@code sent == acked + failed}.
 * Failures are logged (the first one in full, then every {@value #LOG_EVERY}th, so a broker
 * outage does not flood the log) and never dropped silently.
 */
final class Deliveries {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final long LOG_EVERY = 1_000;

    private final String kind;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Callback callback = (metadata, error) -> {
        if (error == null) {
            acked.incrementAndGet();
        } else {
            failed(error);
        }
    };

    Deliveries(String kind) {
        this.kind = kind;
    }

    /**
     * Hands the record to the producer. A record the producer refuses at once (closed, buffer
     * full for too long) counts as failed; an interrupt is passed on to the caller.
     */
    void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        sent.incrementAndGet();
        try {
            producer.send(record, callback);
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            failed(e);
            throw e;
        } catch (KafkaException | IllegalStateException e) {
            failed(e);
        }
    }

    long sent() {
        return sent.get();
    }

    long acked() {
        return acked.get();
    }

    long failed() {
        return failed.get();
    }

    private void failed(Exception error) {
        long n = failed.incrementAndGet();
        if (n == 1) {
            log.warn("could not publish a {} ({}); the record is lost. Check that the broker is up and the topic "
                    + "accepts the record size", kind, error.toString(), error);
        } else if (n % LOG_EVERY == 0) {
            log.warn("{} {} records could not be published so far, the latest: {}", n, kind, error.toString());
        }
    }
}
