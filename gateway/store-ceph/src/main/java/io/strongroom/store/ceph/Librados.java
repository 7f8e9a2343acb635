package io.strongroom.store.ceph;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of librados' C API (librados.h, Ceph 16+) this backend calls, bound by JNA. Every call blocks until the
 * cluster answers, so only the store's worker threads make them. {@code size_t} and {@code uint64_t} are Java
 * {@code long}s (64-bit Linux); calls return 0 or a negative errno.
 */
interface Librados extends Library {

    /** librados' soname: the versioned name, so that only the runtime package (librados2) is needed. */
    String SONAME = "librados.so.2";

    /** Loaded on first use; fails with UnsatisfiedLinkError when librados is not installed. */
    static Librados lib() {
        return Holder.LIB;
    }

    final class Holder {
        private static final Librados LIB = Native.load(SONAME, Librados.class);

        private Holder() {}
    }

    /** {@code LIBRADOS_CREATE_EXCLUSIVE}: the create fails with EEXIST when the object exists. */
    int CREATE_EXCLUSIVE = 1;

    int rados_create(PointerByReference cluster, String id);

    int rados_conf_read_file(Pointer cluster, String path);

    int rados_conf_set(Pointer cluster, String option, String value);

    int rados_connect(Pointer cluster);

    void rados_shutdown(Pointer cluster);

    int rados_ioctx_create(Pointer cluster, String poolName, PointerByReference ioctx);

    void rados_ioctx_set_namespace(Pointer ioctx, String namespace);

    void rados_ioctx_destroy(Pointer ioctx);

    int rados_write(Pointer ioctx, String oid, byte[] buf, long len, long off);

    int rados_read(Pointer ioctx, String oid, byte[] buf, long len, long off);

    int rados_remove(Pointer ioctx, String oid);

    /** {@code time_t}: 64 bits on 64-bit Linux. */
    int rados_stat(Pointer ioctx, String oid, LongByReference size, LongByReference mtime);

    int rados_nobjects_list_open(Pointer ioctx, PointerByReference ctx);

    /** The next object of the listing: 0, or -ENOENT past the last. The strings belong to the listing. */
    int rados_nobjects_list_next(
            Pointer ctx, PointerByReference entry, PointerByReference key, PointerByReference namespace);

    void rados_nobjects_list_close(Pointer ctx);

    Pointer rados_create_write_op();

    void rados_release_write_op(Pointer op);

    void rados_write_op_assert_exists(Pointer op);

    void rados_write_op_create(Pointer op, int exclusive, String category);

    void rados_write_op_write_full(Pointer op, byte[] buf, long len);

    void rados_write_op_zero(Pointer op, long offset, long len);

    /** Adds a write of {@code len} bytes at {@code offset} (CephLayoutBenchmark); librados copies {@code buf} at once. */
    void rados_write_op_write(Pointer op, byte[] buf, long len, long offset);

    /**
     * Fails the whole operation unless the object's bytes from {@code off} equal {@code cmp}: with
     * {@code -MAX_ERRNO - (offset of the first difference)}, or -ENOENT when the object does not exist.
     */
    void rados_write_op_cmpext(Pointer op, byte[] cmp, long cmpLen, long off, IntByReference prval);

    void rados_write_op_remove(Pointer op);

    void rados_write_op_omap_set(Pointer op, String[] keys, Pointer[] vals, long[] lens, long num);

    void rados_write_op_omap_rm_keys(Pointer op, String[] keys, long num);

    int rados_write_op_operate(Pointer op, Pointer ioctx, String oid, Pointer mtime, int flags);

    Pointer rados_create_read_op();

    void rados_release_read_op(Pointer op);

    void rados_read_op_omap_get_vals_by_keys(
            Pointer op, String[] keys, long num, PointerByReference iter, IntByReference prval);

    void rados_read_op_omap_get_vals2(
            Pointer op,
            String startAfter,
            String filterPrefix,
            long maxReturn,
            PointerByReference iter,
            ByteByReference more,
            IntByReference prval);

    int rados_read_op_operate(Pointer op, Pointer ioctx, String oid, int flags);

    /**
     * Adds a read of up to {@code len} bytes at {@code offset} into {@code buf} (CephLayoutBenchmark), filled when the
     * operation runs: native memory that outlives this call, not a Java array.
     */
    void rados_read_op_read(
            Pointer op, long offset, long len, Pointer buf, LongByReference bytesRead, IntByReference prval);

    /** {@code LIBRADOS_LOCK_FLAG_RENEW}: renew a lock this cookie holds (fails when it does not). */
    byte LOCK_FLAG_RENEW = 1;

    /** {@code struct timeval}, a lock's duration. */
    @Structure.FieldOrder({"tv_sec", "tv_usec"})
    class TimeVal extends Structure {
        public long tv_sec;
        public long tv_usec;

        TimeVal(long seconds) {
            this.tv_sec = seconds;
        }
    }

    int rados_lock_exclusive(
            Pointer ioctx, String oid, String name, String cookie, String desc, TimeVal duration, byte flags);

    int rados_unlock(Pointer ioctx, String oid, String name, String cookie);

    long rados_list_lockers(
            Pointer ioctx,
            String oid,
            String name,
            IntByReference exclusive,
            byte[] tag,
            LongByReference tagLen,
            byte[] clients,
            LongByReference clientsLen,
            byte[] cookies,
            LongByReference cookiesLen,
            byte[] addrs,
            LongByReference addrsLen);

    int rados_mon_command(
            Pointer cluster,
            String[] cmd,
            long cmdLen,
            byte[] inbuf,
            long inbufLen,
            PointerByReference outbuf,
            LongByReference outbufLen,
            PointerByReference outs,
            LongByReference outsLen);

    void rados_buffer_free(Pointer buf);

    int rados_wait_for_latest_osdmap(Pointer cluster);

    int rados_omap_get_next(Pointer iter, PointerByReference key, PointerByReference val, LongByReference len);

    void rados_omap_get_end(Pointer iter);
}
