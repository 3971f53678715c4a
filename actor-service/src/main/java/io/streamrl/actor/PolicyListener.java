package io.streamrl.actor;

/**
 * Told about each policy record a {@link PolicySubscriber} accepts or refuses, on the
 * subscriber's thread: implementations must return quickly and must not block.
 */
public interface PolicyListener {

    PolicyListener NONE = new PolicyListener() {
    };

    default void onSwap(PolicySwap swap) {
    }

    default void onRejected(PolicyRejection rejection) {
    }
}
