package dev.cairn.appliance.api;

import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.appliance.query.Warnings;

/**
 * The storage the API reads, opened once per request: the queriers it gives add a warning for each part
 * of the data they could not read (a failed endpoint of a partial response), and the API returns those
 * beside the answer. Called from HTTP worker threads, concurrently.
 */
@FunctionalInterface
public interface RequestStorage {
    QuerierFactory open(Warnings warnings);
}
