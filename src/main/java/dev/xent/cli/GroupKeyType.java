package dev.xent.cli;

import dev.xent.spark.GroupKeyOrder;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * The type of one group-by column in a state file, named as Spark names it ({@code string}, {@code int},
 * {@code date}, {@code decimal(10,2)}, ...): how its values are written, read back as the Java values Spark gives
 * ({@code Row.get}), and ordered as Spark's {@code orderBy} orders them (nulls first; strings by their UTF-8 bytes;
 * NaN above every other double, {@code -0.0} equal to {@code 0.0}), so merged groups come out in the order one
 * evaluation gives. Nested and binary columns have no type here: {@code --state} refuses to group by them.
 */
enum GroupKeyType {
    STRING, BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DATE, TIMESTAMP, DECIMAL;

    /** The type for Spark's type name ({@code DataType.simpleString()}), or null when a state cannot hold it. */
    static GroupKeyType of(String sparkName) {
        String n = sparkName.toLowerCase(Locale.ROOT);
        switch (n) {
            case "string": return STRING;
            case "boolean": return BOOLEAN;
            case "tinyint": return BYTE;
            case "smallint": return SHORT;
            case "int": return INT;
            case "bigint": return LONG;
            case "float": return FLOAT;
            case "double": return DOUBLE;
            case "date": return DATE;
            case "timestamp": return TIMESTAMP;
            default: return n.startsWith("decimal(") ? DECIMAL : null;
        }
    }

    /** Writes a value (null allowed) in big-endian byte order: a presence byte, then the value. */
    void write(DataOutput out, Object v) throws IOException {
        out.writeBoolean(v != null);
        if (v == null) {
            return;
        }
        switch (this) {
            case STRING:
                byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
                break;
            case BOOLEAN: out.writeBoolean((Boolean) v); break;
            case BYTE: out.writeByte((Byte) v); break;
            case SHORT: out.writeShort((Short) v); break;
            case INT: out.writeInt((Integer) v); break;
            case LONG: out.writeLong((Long) v); break;
            case FLOAT: out.writeInt(Float.floatToRawIntBits((Float) v)); break;
            case DOUBLE: out.writeLong(Double.doubleToRawLongBits((Double) v)); break;
            case DATE:
                out.writeLong(v instanceof LocalDate ? ((LocalDate) v).toEpochDay()
                        : ((java.sql.Date) v).toLocalDate().toEpochDay());
                break;
            case TIMESTAMP:
                Instant t = v instanceof Instant ? (Instant) v : ((Timestamp) v).toInstant();
                out.writeLong(t.getEpochSecond());
                out.writeInt(t.getNano());
                break;
            case DECIMAL:
                BigDecimal d = (BigDecimal) v;
                byte[] unscaled = d.unscaledValue().toByteArray();
                out.writeInt(d.scale());
                out.writeInt(unscaled.length);
                out.write(unscaled);
                break;
            default: throw new IllegalStateException(name());
        }
    }

    /** Reads a value {@link #write} wrote, as Spark's {@code Row.get} gives it (dates as {@code java.sql.Date}). */
    Object read(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        switch (this) {
            case STRING:
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                return new String(utf8, StandardCharsets.UTF_8);
            case BOOLEAN: return in.readBoolean();
            case BYTE: return in.readByte();
            case SHORT: return in.readShort();
            case INT: return in.readInt();
            case LONG: return in.readLong();
            case FLOAT: return Float.intBitsToFloat(in.readInt());
            case DOUBLE: return Double.longBitsToDouble(in.readLong());
            case DATE: return java.sql.Date.valueOf(LocalDate.ofEpochDay(in.readLong()));
            case TIMESTAMP: return Timestamp.from(Instant.ofEpochSecond(in.readLong(), in.readInt()));
            case DECIMAL:
                int scale = in.readInt();
                byte[] unscaled = new byte[in.readInt()];
                in.readFully(unscaled);
                return new BigDecimal(new BigInteger(unscaled), scale);
            default: throw new IllegalStateException(name());
        }
    }

    /** Spark's ascending order with nulls first ({@link GroupKeyOrder}). */
    int compare(Object a, Object b) {
        return GroupKeyOrder.compare(a, b);
    }
}
