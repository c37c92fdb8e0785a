package dev.gemgate.application.status;

/**
 * Public facts about this gateway instance, shown by the portal: which upstream it calls, and whether that upstream
 * is an emulator (the portal must say so plainly).
 */
public record GatewayInfo(String upstreamDescription, boolean upstreamEmulated) {
}
