package io.streamrl.pipeline.pricing;

import io.streamrl.core.config.Check;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link PricingShops} runs, validated on construction; every message names the key (as a
 * command line would spell it) and the allowed range.
 *
 * @param url base URL of {@code streamrl serve}, e.g. {@code http://127.0.0.1:8080};
 *     {@value #DECISIONS_PATH} and {@value #REWARDS_PATH} are appended (trailing slashes dropped)
 * @param shops number of shops, the entities {@code shop-0}, {@code shop-1}, ...
 * @param days simulated days to run; each shop asks for one price per day
 * @param dayMillis wall-clock length of one simulated day; 0 runs the days back to back
 * @param maxRewardLagMillis each day's profit is reported after a uniform random lag in
 *     [0, maxRewardLagMillis] ms after the price was answered
 * @param lostRewardShare probability in [0, 1) that a day's profit is never reported
 * @param seed seed of every shop's market and of the reward lags and losses
 * @param connections most decisions in flight at once (one day's shops share them)
 * @param timeoutMillis longest wait for one answer; a decision that takes longer counts as failed
 */
public record ShopsConfig(String url, int shops, int days, long dayMillis, long maxRewardLagMillis,
                          double lostRewardShare, long seed, int connections, long timeoutMillis) {

    public static final String DECISIONS_PATH = "/v1/decisions";
    public static final String REWARDS_PATH = "/v1/rewards";
    /** Prefix of the entity ids. */
    public static final String ENTITY_PREFIX = "shop-";

    public static final int MAX_SHOPS = 100_000;
    public static final int MAX_DAYS = 1_000_000;
    public static final long MAX_DAY_MILLIS = 86_400_000L;
    public static final long MAX_REWARD_LAG_MILLIS = 3_600_000L;
    public static final int MAX_CONNECTIONS = 4_096;
    public static final long MAX_TIMEOUT_MILLIS = 60_000L;
    public static final int DEFAULT_CONNECTIONS = 32;
    public static final long DEFAULT_TIMEOUT_MILLIS = 5_000L;

    public ShopsConfig {
        url = baseUrl(url);
        Check.inClosed("shops", shops, 1, MAX_SHOPS);
        Check.inClosed("days", days, 1, MAX_DAYS);
        Check.inClosed("day-millis", dayMillis, 0, MAX_DAY_MILLIS);
        Check.inClosed("max-reward-lag-millis", maxRewardLagMillis, 0, MAX_REWARD_LAG_MILLIS);
        Check.inClosedOpen("lost-reward-share", lostRewardShare, 0.0, 1.0);
        Check.inClosed("connections", connections, 1, MAX_CONNECTIONS);
        Check.inClosed("timeout-millis", timeoutMillis, 1, MAX_TIMEOUT_MILLIS);
    }

    /** With {@value #DEFAULT_CONNECTIONS} connections and a {@value #DEFAULT_TIMEOUT_MILLIS} ms timeout. */
    public ShopsConfig(String url, int shops, int days, long dayMillis, long maxRewardLagMillis,
                       double lostRewardShare, long seed) {
        this(url, shops, days, dayMillis, maxRewardLagMillis, lostRewardShare, seed, DEFAULT_CONNECTIONS,
                DEFAULT_TIMEOUT_MILLIS);
    }

    /** The same shops against another serve. */
    public ShopsConfig withUrl(String serveUrl) {
        return new ShopsConfig(serveUrl, shops, days, dayMillis, maxRewardLagMillis, lostRewardShare, seed, connections,
                timeoutMillis);
    }

    public ShopsConfig withConnections(int connections) {
        return new ShopsConfig(url, shops, days, dayMillis, maxRewardLagMillis, lostRewardShare, seed, connections,
                timeoutMillis);
    }

    public ShopsConfig withTimeoutMillis(long timeoutMillis) {
        return new ShopsConfig(url, shops, days, dayMillis, maxRewardLagMillis, lostRewardShare, seed, connections,
                timeoutMillis);
    }

    /** The entity id of shop {@code index}, {@code 0 <= index < shops}. */
    public String entityId(int index) {
        Objects.checkIndex(index, shops);
        return ENTITY_PREFIX + index;
    }

    public URI decisionsUri() {
        return URI.create(url + DECISIONS_PATH);
    }

    public URI rewardsUri() {
        return URI.create(url + REWARDS_PATH);
    }

    /** http or https, a host, no user, query or fragment, and not already an endpoint's URL. */
    private static String baseUrl(String url) {
        String example = ", e.g. http://127.0.0.1:8080";
        if (url == null || url.isBlank()) {
            throw Check.invalidShape("url", url == null ? null : "'" + url + "'", "the base URL of streamrl serve"
                    + example);
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url must be an http(s) URL with a host" + example + ", got '" + url
                    + "' (" + e.getMessage() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw Check.invalidShape("url", "'" + url + "'", "an http(s) URL with a host and without user, query"
                    + " or fragment" + example);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (path.endsWith(DECISIONS_PATH) || path.endsWith(REWARDS_PATH)) {
            throw Check.invalidShape("url", "'" + url + "'", "the base URL (" + DECISIONS_PATH + " and "
                    + REWARDS_PATH + " are appended)" + example);
        }
        return scheme + "://" + uri.getRawAuthority() + path;
    }
}
