package io.strongroom.core.volume;

/**
 * Clone figures for metrics.
 *
 * @param blocksCopied blocks re-sealed into clones since start-up
 * @param running      clones whose copy runs now
 */
public record CloneStats(long blocksCopied, int running) {}
