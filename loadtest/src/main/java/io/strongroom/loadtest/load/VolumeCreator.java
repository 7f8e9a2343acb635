package io.strongroom.loadtest.load;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Creates the test volumes through the gateway API (POST /v1/volumes); an existing volume is fine. */
public final class VolumeCreator {

    private VolumeCreator() {}

    public static Future<Void> createAll(HttpClient client, LoadTestOptions o) {
        Target t = Target.parse(o.targets().get(0));
        List<Future<Void>> all = new ArrayList<>();
        for (String name : o.volumes()) {
            JsonObject body = new JsonObject()
                    .put("name", name)
                    .put("sizeBytes", o.workingSetBlocks() * o.blockSize())
                    .put("blockSize", o.blockSize());
            RequestOptions ro = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost(t.host())
                    .setPort(t.port())
                    .setSsl(t.ssl())
                    .setURI(t.basePath() + "/v1/volumes")
                    .setIdleTimeout(o.requestTimeout().toMillis());
            if (o.token() != null) {
                ro.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + o.token());
            }
            ro.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            all.add(client.request(ro)
                    .compose(req -> req.send(body.toBuffer()))
                    .compose(resp -> resp.body().compose(b -> check(name, resp.statusCode(), b))));
        }
        return Future.all(all).mapEmpty();
    }

    private static Future<Void> check(String name, int status, Buffer body) {
        if (status / 100 == 2 || status == 409) {
            return Future.succeededFuture();
        }
        String text = body.length() > 300 ? body.getString(0, 300) : body.toString();
        return Future.failedFuture("creating volume " + name + ": HTTP " + status + " " + text);
    }
}
