/**
 * Wire formats and topics shared by every streamrl service: Avro records (generated into
 * {@code io.streamrl.schemas.avro}), their single-object codecs and Kafka serdes, validators,
 * and the typed topic catalogue. Depends on Avro and kafka-clients only.
 *
 * <p>A consumer that dead-letters bad records reads {@code byte[]} values and decodes them
 * itself, so the bytes are still at hand when decoding or validation fails:
 *
 * <pre>{@code
 * TopicSpec<String, Transition> spec = Topics.of(namespace).transitions();
 * TransitionValidator validator = new TransitionValidator();
 * for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
 *     try {
 *         Transition t = validator.requireValid(spec.decodeValue(r.value()));
 *         ...
 *     } catch (SerializationException e) { // RecordDecodingException or RecordValidationException
 *         ... publish a DeadLetter with r's topic, partition, offset, key and value bytes,
 *             e.getMessage() as reason and e.getClass().getName() as error class ...
 *     }
 * }
 * }</pre>
 *
 * <p>Decode with {@link io.streamrl.schemas.RecordCodec} (or the serdes built on it), not with
 * the generated classes' own {@code getDecoder()}/{@code fromByteBuffer()}: those know only the
 * current schema and, under Avro 1.12.2, need a JVM-wide class allowlist (see {@code
 * GeneratedRecordData}).
 *
 * <p>Build a {@link io.streamrl.schemas.avro.Decision} with {@code Decision.newBuilder()} and
 * its setters; do not copy one with {@code Decision.newBuilder(Decision)} or {@code
 * newBuilder(Decision.Builder)}. Under Avro 1.12.2 the copying builders deep-copy the {@code
 * DecisionMode} enum through the same JVM-wide allowlist and throw {@code SecurityException}
 * (the codecs here do not need it). The other records have no enum and copy fine.
 */
package io.streamrl.schemas;
