/**
 * The Ceph storage backend, {@code ceph}: volumes' sealed slots and documents as RADOS objects in one pool (and
 * namespace) of a Ceph cluster, reached through librados (bound by JNA, {@link io.strongroom.store.ceph.Librados}),
 * so that any number of gateways over the cluster keep no state of their own. {@link
 * io.strongroom.store.ceph.CephBlockStore} is the {@link io.strongroom.core.store.BlockStore}; the layout and why are
 * in {@code docs/SCALE-OUT.md}.
 */
package io.strongroom.store.ceph;
