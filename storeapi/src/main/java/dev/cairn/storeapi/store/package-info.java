/**
 * The Thanos StoreAPI over gRPC (Netty transport): {@link dev.cairn.storeapi.store.StoreApiService}
 * serves {@code thanos.Store} over any Cairn storage through a
 * {@link dev.cairn.storeapi.store.QuerierFactory}, {@link dev.cairn.storeapi.store.InfoApiService}
 * serves {@code thanos.info.Info}, {@link dev.cairn.storeapi.store.StoreApiServer} runs them
 * (plaintext or mutual TLS from {@link dev.cairn.storeapi.store.GrpcTls}), and
 * {@link dev.cairn.storeapi.store.StoreApiClient} reads a remote store as a Cairn querier.
 * Wire facts are in docs/wire.md.
 */
package dev.cairn.storeapi.store;
