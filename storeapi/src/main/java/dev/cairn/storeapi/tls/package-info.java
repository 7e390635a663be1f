/**
 * Netty TLS contexts from PEM files: servers that require a client certificate from Cairn's CA
 * (mutual TLS between agents and the appliance), clients that present one, TLS 1.3 and 1.2 only.
 */
package dev.cairn.storeapi.tls;
