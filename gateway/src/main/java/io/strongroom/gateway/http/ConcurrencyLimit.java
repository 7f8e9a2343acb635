package io.strongroom.gateway.http;

import java.util.concurrent.atomic.AtomicInteger;

/** Requests in progress over all event loops; past the limit new ones are answered 429 TooManyRequests at once. */
final class ConcurrencyLimit {
  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();

  ConcurrencyLimit(int limit) {
    this.limit = limit;
  }

  boolean tryAcquire() {
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }
}
