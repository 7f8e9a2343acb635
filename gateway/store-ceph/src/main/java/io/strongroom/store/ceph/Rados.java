package io.strongroom.store.ceph;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One connection to a Ceph cluster and one pool (and namespace) in it: the blocking object operations the store
 * needs, each one RADOS operation on one object, so each is atomic (RADOS applies an operation on an object whole or
 * not at all) and acknowledged once durable on every replica. Thread-safe (librados is); worker threads only.
 */
final class Rados implements AutoCloseable {

    private static final int OMAP_PAGE = 1000;

    private final Librados lib;
    private final Pointer cluster;
    private final Pointer ioctx;
    private final Path conf;
    private final String pool;
    private final String namespace;

    private Rados(Librados lib, Pointer cluster, Pointer ioctx, Path conf, String pool, String namespace) {
        this.lib = lib;
        this.cluster = cluster;
        this.ioctx = ioctx;
        this.conf = conf;
        this.pool = pool;
        this.namespace = namespace;
    }

    /** Connects as {@code client.admin} with the configuration file {@code conf}, to {@code pool}'s namespace. */
    static Rados connect(Path conf, String pool, String namespace) throws RadosException {
        Librados lib = Librados.lib();
        PointerByReference clusterRef = new PointerByReference();
        check(lib.rados_create(clusterRef, null), "rados_create", "");
        Pointer cluster = clusterRef.getValue();
        try {
            check(lib.rados_conf_read_file(cluster, conf.toString()), "rados_conf_read_file", conf.toString());
            // A cluster that cannot be reached fails the start after 30 s instead of librados' default 300 s.
            check(lib.rados_conf_set(cluster, "client_mount_timeout", "30"), "rados_conf_set", "");
            check(lib.rados_connect(cluster), "rados_connect", "");
            PointerByReference ioctxRef = new PointerByReference();
            check(lib.rados_ioctx_create(cluster, pool, ioctxRef), "rados_ioctx_create", pool);
            Pointer ioctx = ioctxRef.getValue();
            lib.rados_ioctx_set_namespace(ioctx, namespace);
            return new Rados(lib, cluster, ioctx, conf, pool, namespace);
        } catch (RadosException e) {
            lib.rados_shutdown(cluster);
            throw e;
        }
    }

    /**
     * A new connection with this one's settings: a new client instance with an address of its own, so the OSD
     * blocklist entry that fenced this one does not apply to it. This one stays open (close it once unused).
     */
    Rados reconnect() throws RadosException {
        return connect(conf, pool, namespace);
    }

    /** Writes {@code data} at {@code offset} of the object, creating it if needed. */
    void write(String oid, byte[] data, long offset) throws RadosException {
        check(lib.rados_write(ioctx, oid, data, data.length, offset), "write", oid);
    }

    /** Reads into {@code into} from {@code offset}; returns the bytes read (0 when the object does not exist). */
    int read(String oid, byte[] into, long offset) throws RadosException {
        int n = lib.rados_read(ioctx, oid, into, into.length, offset);
        if (n == -RadosException.ENOENT) {
            return 0;
        }
        return check(n, "read", oid);
    }

    /** Removes the object; one that does not exist is no error. */
    void remove(String oid) throws RadosException {
        int r = lib.rados_remove(ioctx, oid);
        if (r != -RadosException.ENOENT) {
            check(r, "remove", oid);
        }
    }

    /** When the object was last modified (seconds since the epoch), if it exists. */
    OptionalLong modifiedSeconds(String oid) throws RadosException {
        LongByReference mtime = new LongByReference();
        int r = lib.rados_stat(ioctx, oid, new LongByReference(), mtime);
        if (r == -RadosException.ENOENT) {
            return OptionalLong.empty();
        }
        check(r, "stat", oid);
        return OptionalLong.of(mtime.getValue());
    }

    /** The names of the namespace's objects that start with {@code prefix}: a walk over the whole namespace. */
    List<String> objectsStartingWith(String prefix) throws RadosException {
        PointerByReference listing = new PointerByReference();
        check(lib.rados_nobjects_list_open(ioctx, listing), "list objects", "");
        try {
            List<String> names = new ArrayList<>();
            PointerByReference entry = new PointerByReference();
            while (true) {
                int r = lib.rados_nobjects_list_next(
                        listing.getValue(), entry, new PointerByReference(), new PointerByReference());
                if (r == -RadosException.ENOENT) {
                    return names;
                }
                check(r, "list objects", "");
                String name = entry.getValue().getString(0, "UTF-8");
                if (name.startsWith(prefix)) {
                    names.add(name);
                }
            }
        } finally {
            lib.rados_nobjects_list_close(listing.getValue());
        }
    }

    /** Makes {@code length} bytes from {@code offset} of the object read as zeros (a no-op on a missing object). */
    void zero(String oid, long offset, long length) throws RadosException {
        writeOp(oid, "zero", op -> lib.rados_write_op_zero(op, offset, length));
    }

    /** Creates the object with {@code content}; fails with EEXIST when it exists. */
    void createExclusive(String oid, byte[] content) throws RadosException {
        writeOp(oid, "create", op -> {
            lib.rados_write_op_create(op, Librados.CREATE_EXCLUSIVE, null);
            lib.rados_write_op_write_full(op, content, content.length);
        });
    }

    /**
     * Replaces the object's content with {@code content} if it is {@code expected} now (one operation: a
     * compare-and-swap); false when it is not, or the object does not exist.
     */
    boolean replaceIf(String oid, byte[] expected, byte[] content) throws RadosException {
        return unlessDifferent(oid, "compare and write", op -> {
            lib.rados_write_op_cmpext(op, expected, expected.length, 0, null);
            lib.rados_write_op_write_full(op, content, content.length);
        });
    }

    /** Removes the object if its content is {@code expected} now (one operation); false when not, or it is gone. */
    boolean removeIf(String oid, byte[] expected) throws RadosException {
        return unlessDifferent(oid, "compare and remove", op -> {
            lib.rados_write_op_cmpext(op, expected, expected.length, 0, null);
            lib.rados_write_op_remove(op);
        });
    }

    /** Runs a write operation that begins with a comparison: false when that failed or the object does not exist. */
    private boolean unlessDifferent(String oid, String what, WriteOpSteps steps) throws RadosException {
        try {
            writeOp(oid, what, steps);
            return true;
        } catch (RadosException e) {
            if (e.errno() == RadosException.ENOENT || e.errno() >= RadosException.MAX_ERRNO) {
                return false;
            }
            throw e;
        }
    }

    /** Sets one omap entry of the object; with {@code mustExist}, fails with ENOENT instead of creating it. */
    void setOmap(String oid, String key, byte[] value, boolean mustExist) throws RadosException {
        Memory val = new Memory(Math.max(1, value.length));
        val.write(0, value, 0, value.length);
        writeOp(oid, "omap set", op -> {
            if (mustExist) {
                lib.rados_write_op_assert_exists(op);
            }
            lib.rados_write_op_omap_set(op, new String[] {key}, new Pointer[] {val}, new long[] {value.length}, 1);
        });
    }

    /** Removes one omap entry of the object (none, or a missing object, is no error). */
    void removeOmap(String oid, String key) throws RadosException {
        try {
            writeOp(oid, "omap remove", op -> {
                lib.rados_write_op_assert_exists(op);
                lib.rados_write_op_omap_rm_keys(op, new String[] {key}, 1);
            });
        } catch (RadosException e) {
            if (e.errno() != RadosException.ENOENT) {
                throw e;
            }
        }
    }

    /** The value of one omap entry of the object, if the object and the entry exist. */
    Optional<byte[]> readOmap(String oid, String key) throws RadosException {
        Optional<Pointer> entries = readOp(
                oid,
                (op, iter, prval) -> lib.rados_read_op_omap_get_vals_by_keys(op, new String[] {key}, 1, iter, prval));
        List<byte[]> values = new ArrayList<>();
        if (entries.isPresent()) {
            forEachEntry(entries.get(), (k, v) -> values.add(v));
        }
        return values.stream().findFirst();
    }

    /** The omap keys of the object, sorted (none when the object does not exist). */
    List<String> omapKeys(String oid) throws RadosException {
        List<String> keys = new ArrayList<>();
        while (true) {
            String after = keys.isEmpty() ? "" : keys.get(keys.size() - 1);
            ByteByReference more = new ByteByReference();
            Optional<Pointer> page = readOp(
                    oid,
                    (op, iter, prval) -> lib.rados_read_op_omap_get_vals2(op, after, "", OMAP_PAGE, iter, more, prval));
            if (page.isEmpty()) {
                return keys;
            }
            forEachEntry(page.get(), (k, v) -> keys.add(k));
            if (more.getValue() == 0) {
                return keys;
            }
        }
    }

    /**
     * Takes (or, with {@code renew}, renews) the exclusive cls_lock {@code name} on the object for {@code cookie},
     * expiring after {@code seconds} unless renewed. Errno EBUSY: another cookie holds it; EEXIST: this cookie does
     * (take it with {@code renew}).
     */
    void lockExclusive(String oid, String name, String cookie, long seconds, boolean renew) throws RadosException {
        check(
                lib.rados_lock_exclusive(
                        ioctx,
                        oid,
                        name,
                        cookie,
                        "strongroom gateway",
                        new Librados.TimeVal(seconds),
                        renew ? Librados.LOCK_FLAG_RENEW : 0),
                renew ? "lock renewal" : "lock",
                oid);
    }

    /** Releases the lock if {@code cookie} holds it (one it does not hold is no error). */
    void unlock(String oid, String name, String cookie) throws RadosException {
        int r = lib.rados_unlock(ioctx, oid, name, cookie);
        if (r != -RadosException.ENOENT) {
            check(r, "unlock", oid);
        }
    }

    /** The address (as the OSDs and the blocklist spell it) of the client holding lock {@code name} with {@code cookie}. */
    Optional<String> lockerAddress(String oid, String name, String cookie) throws RadosException {
        int size = 4096;
        byte[] tag = new byte[size];
        byte[] clients = new byte[size];
        byte[] cookies = new byte[size];
        byte[] addrs = new byte[size];
        long n = lib.rados_list_lockers(
                ioctx,
                oid,
                name,
                new IntByReference(),
                tag,
                new LongByReference(size),
                clients,
                new LongByReference(size),
                cookies,
                new LongByReference(size),
                addrs,
                new LongByReference(size));
        check((int) n, "list lockers", oid);
        List<String> cookieList = strings(cookies, (int) n);
        List<String> addrList = strings(addrs, (int) n);
        for (int i = 0; i < cookieList.size(); i++) {
            if (cookieList.get(i).equals(cookie)) {
                return Optional.of(addrList.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Adds the client at {@code address} to the OSD blocklist (for an hour), then waits for the latest OSD map, so that
     * no operation of that client is applied after this returns: Ceph's fencing, as RBD's exclusive lock does it.
     */
    void blocklist(String address) throws RadosException {
        String cmd = new JsonObject()
                .put("prefix", "osd blocklist")
                .put("blocklistop", "add")
                .put("addr", address)
                .put("expire", 3600.0)
                .encode();
        PointerByReference outbuf = new PointerByReference();
        PointerByReference outs = new PointerByReference();
        int r = lib.rados_mon_command(
                cluster, new String[] {cmd}, 1, null, 0, outbuf, new LongByReference(), outs, new LongByReference());
        if (outbuf.getValue() != null) {
            lib.rados_buffer_free(outbuf.getValue());
        }
        if (outs.getValue() != null) {
            lib.rados_buffer_free(outs.getValue());
        }
        check(r, "osd blocklist add", address);
        check(lib.rados_wait_for_latest_osdmap(cluster), "wait for the latest osdmap", "");
    }

    /** The first {@code n} NUL-terminated strings of {@code buf}. */
    private static List<String> strings(byte[] buf, int n) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < buf.length && out.size() < n; i++) {
            if (buf[i] == 0) {
                out.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    /** The library and the I/O context, for a benchmark building operations this class does not offer. */
    Librados lib() {
        return lib;
    }

    Pointer ioctx() {
        return ioctx;
    }

    @Override
    public void close() {
        lib.rados_ioctx_destroy(ioctx);
        lib.rados_shutdown(cluster);
    }

    private interface WriteOpSteps {
        void add(Pointer op);
    }

    private interface ReadOpSteps {
        void add(Pointer op, PointerByReference iter, IntByReference prval);
    }

    private interface Entry {
        void accept(String key, byte[] value);
    }

    private void writeOp(String oid, String what, WriteOpSteps steps) throws RadosException {
        Pointer op = lib.rados_create_write_op();
        try {
            steps.add(op);
            check(lib.rados_write_op_operate(op, ioctx, oid, null, 0), what, oid);
        } finally {
            lib.rados_release_write_op(op);
        }
    }

    /**
     * Runs a read operation that yields an omap iterator, for {@link #forEachEntry} (which ends it); empty when the
     * object does not exist.
     */
    private Optional<Pointer> readOp(String oid, ReadOpSteps steps) throws RadosException {
        Pointer op = lib.rados_create_read_op();
        try {
            PointerByReference iter = new PointerByReference();
            IntByReference prval = new IntByReference();
            steps.add(op, iter, prval);
            int r = lib.rados_read_op_operate(op, ioctx, oid, 0);
            if (r < 0 || prval.getValue() < 0) {
                if (iter.getValue() != null) {
                    lib.rados_omap_get_end(iter.getValue());
                }
                if (r == -RadosException.ENOENT) {
                    return Optional.empty();
                }
                check(r < 0 ? r : prval.getValue(), "omap read", oid);
            }
            return Optional.of(iter.getValue());
        } finally {
            lib.rados_release_read_op(op);
        }
    }

    /** Copies every entry out of the iterator, then ends it. */
    private void forEachEntry(Pointer iter, Entry entry) throws RadosException {
        try {
            PointerByReference key = new PointerByReference();
            PointerByReference val = new PointerByReference();
            LongByReference len = new LongByReference();
            while (true) {
                check(lib.rados_omap_get_next(iter, key, val, len), "omap iteration", "");
                if (key.getValue() == null) {
                    return;
                }
                int n = Math.toIntExact(len.getValue());
                byte[] value = n == 0 ? new byte[0] : val.getValue().getByteArray(0, n);
                entry.accept(key.getValue().getString(0, "UTF-8"), value);
            }
        } finally {
            lib.rados_omap_get_end(iter);
        }
    }

    private static int check(int result, String call, String oid) throws RadosException {
        if (result < 0) {
            throw new RadosException(call, oid, result);
        }
        return result;
    }
}
