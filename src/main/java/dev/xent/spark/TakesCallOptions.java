package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import org.apache.spark.sql.catalyst.util.MapData;

/**
 * A bound catalog function ({@link XentCatalog}) whose last argument, when its input types end with
 * {@code map<string,string>}, is the call's options map: {@link CallOptionsCheck} reads a constant map through it
 * before any row is read.
 */
interface TakesCallOptions {
    /** The options of a call with {@code map} (null: the session's); an unknown key or a bad value throws. */
    CrossEntropyOptions callOptions(MapData map);
}
