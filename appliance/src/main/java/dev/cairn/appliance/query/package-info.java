/**
 * The query layer under PromQL (as Thanos's pkg/query, pkg/store/proxy.go and pkg/dedup): a set of
 * {@link dev.cairn.appliance.query.Endpoint}s with their health, a fan-out
 * {@link dev.cairn.appliance.query.ProxyQuerier} that prunes, times out and merges, partial responses
 * as {@link dev.cairn.appliance.query.Warnings}, and deduplication of HA replicas with Thanos's
 * penalty algorithm ({@link dev.cairn.appliance.query.DedupIterator}). Everything works over any
 * {@link dev.cairn.tsdb.storage.Querier}: a block, the head, a remote read or a StoreAPI client.
 */
package dev.cairn.appliance.query;
