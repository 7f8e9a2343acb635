package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strongroom.core.auth.Operation;
import org.junit.jupiter.api.Test;

/** Every route names the core operation authorization asks about, and names a volume exactly when it needs one. */
class RouteTest {

    @Test
    void everyAuthenticatedRouteHasAnOperationOnAVolumeIffItsPathHasOne() {
        for (Route route : Route.values()) {
            if (route == Route.LIVE || route == Route.OPERATOR_PAGE || route == Route.UNMATCHED) {
                assertNull(route.operation(), route.name());
                continue;
            }
            Operation operation = route.operation();
            assertNotNull(operation, route.name());
            assertEquals(route.label().contains("{name}"), operation.onVolume(), route.label());
        }
    }
}
