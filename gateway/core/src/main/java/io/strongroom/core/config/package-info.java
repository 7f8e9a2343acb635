/**
 * Parsing of setting values that every frontend and tool shares, so that the gateway's configuration and the
 * load generator's command line accept the same text: {@link io.strongroom.core.config.Durations}.
 */
package io.strongroom.core.config;
