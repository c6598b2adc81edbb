package dev.xent.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * A guess at C for Parquet input, from the files' footers alone (read on the driver, no Spark job): per top-level
 * column that is a list of float or double values (one level of repetition, one leaf), the number of values each row
 * group stores divided by its number of rows, when that divides evenly and gives the same quotient, 2 or more, in
 * every row group of every file. When every row has logits of one length, that length is the quotient.
 *
 * <p>It is a guess because a footer cannot tell "every row has C values" from "rows of several lengths whose mean is
 * C" (a null or empty list also stores one value). {@code EvaluateCommand} checks it: under the guess every row of
 * another length is invalid (null and empty logits too), so a run with no invalid or rejected row proves the guess
 * is the first row's length; otherwise the first row is read by a job, and the run is made again with it if they
 * differ.
 *
 * <p>Empty when the input is not a folder or file of Parquet files (any footer that cannot be read), when it holds
 * more than {@link #MAX_FILES} files, or when no column qualifies. Files Spark skips
 * ({@link InputOptions#skippedBySpark}) are skipped.
 */
final class ParquetFooterLengths {
    /** Beyond this many files the footers cost more than the job they save. */
    static final int MAX_FILES = 256;

    private ParquetFooterLengths() {
    }

    /** The guessed length per column (its exact name in the files), or an empty map. */
    static Map<String, Integer> guess(Configuration hadoop, String input) {
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(hadoop);
            List<FileStatus> files = new ArrayList<>();
            FileStatus[] found = fs.globStatus(path);
            if (found == null || !collect(fs, found, files)) {
                return Map.of();
            }
            Map<String, Integer> lengths = null;
            for (FileStatus file : files) {
                ParquetMetadata footer;
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
                    footer = reader.getFooter();
                }
                if (footer.getBlocks().stream().allMatch(b -> b.getRowCount() == 0)) {
                    continue; // an empty file (Spark writes one for an empty partition) says nothing
                }
                lengths = agree(lengths, lengths(footer));
                if (lengths.isEmpty()) {
                    return Map.of();
                }
            }
            return lengths == null ? Map.of() : Map.copyOf(lengths);
        } catch (IOException | RuntimeException e) { // not Parquet, unreadable, or another file system's failure
            return Map.of();
        }
    }

    /** Adds the data files under {@code found} to {@code files}; false beyond {@link #MAX_FILES}. */
    private static boolean collect(FileSystem fs, FileStatus[] found, List<FileStatus> files) throws IOException {
        for (FileStatus status : found) {
            if (InputOptions.skippedBySpark(status.getPath().getName())) {
                continue;
            }
            if (status.isDirectory()) {
                if (!collect(fs, fs.listStatus(status.getPath()), files)) {
                    return false;
                }
            } else if (files.size() == MAX_FILES) {
                return false;
            } else {
                files.add(status);
            }
        }
        return true;
    }

    /** The columns both maps hold with the same length ({@code a} null: {@code b}). */
    private static Map<String, Integer> agree(Map<String, Integer> a, Map<String, Integer> b) {
        if (a == null) {
            return b;
        }
        Map<String, Integer> both = new HashMap<>();
        a.forEach((name, length) -> {
            if (length.equals(b.get(name))) {
                both.put(name, length);
            }
        });
        return both;
    }

    /** One file's qualifying columns and their quotient (every row group the same). */
    static Map<String, Integer> lengths(ParquetMetadata footer) {
        MessageType schema = footer.getFileMetaData().getSchema();
        Map<String, String> leafOf = new HashMap<>(); // top-level name -> its one leaf's path
        Set<String> refused = new HashSet<>();
        for (ColumnDescriptor column : schema.getColumns()) {
            String[] path = column.getPath();
            String top = path[0];
            boolean list = column.getMaxRepetitionLevel() == 1 && path.length >= 2
                    && (column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FLOAT
                    || column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.DOUBLE);
            if (!list || leafOf.containsKey(top)) {
                refused.add(top);
            }
            leafOf.put(top, String.join(".", path));
        }
        Map<String, Integer> lengths = new HashMap<>();
        for (BlockMetaData block : footer.getBlocks()) {
            long rows = block.getRowCount();
            if (rows == 0) {
                continue;
            }
            for (ColumnChunkMetaData chunk : block.getColumns()) {
                String top = chunk.getPath().toArray()[0];
                if (refused.contains(top) || !chunk.getPath().toDotString().equals(leafOf.get(top))) {
                    continue;
                }
                long values = chunk.getValueCount();
                Integer before = lengths.get(top); // an earlier row group's, if any (one that disagreed is refused)
                if (values % rows != 0 || values / rows < 2 || values / rows > Integer.MAX_VALUE
                        || (before != null && before != values / rows)) {
                    lengths.remove(top);
                    refused.add(top);
                } else {
                    lengths.put(top, (int) (values / rows));
                }
            }
        }
        return lengths;
    }
}
