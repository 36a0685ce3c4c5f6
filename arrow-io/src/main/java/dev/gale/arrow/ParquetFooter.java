package dev.gale.arrow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The row count of a Parquet file, read from its footer (Thrift compact protocol, FileMetaData field 3),
 * so the progress bar knows the total before the scan starts. Only the footer is read.
 */
final class ParquetFooter {
    private static final int MAGIC = 0x31524150; // "PAR1", little-endian

    private ParquetFooter() {}

    /** num_rows from the footer, or -1 if the footer cannot be read (the scan will report the real problem). */
    static long rowCount(Path path) {
        try (FileChannel channel = FileChannel.open(path)) {
            long size = channel.size();
            if (size < 12) {
                return -1;
            }
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(tail, size - 8);
            int length = tail.getInt(0);
            if (tail.getInt(4) != MAGIC || length <= 0 || length > size - 12) {
                return -1;
            }
            ByteBuffer footer = ByteBuffer.allocate(length);
            channel.read(footer, size - 8 - length);
            footer.flip();
            return new Compact(footer).numRows();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Just enough of Thrift's compact protocol to skip to a top-level i64 field. */
    private static final class Compact {
        private static final int STOP = 0, TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7,
                BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12;
        private final ByteBuffer in;

        Compact(ByteBuffer in) {
            this.in = in;
        }

        long numRows() {
            int id = 0;
            while (true) {
                int header = in.get() & 0xff;
                int type = header & 0x0f;
                if (type == STOP) {
                    return -1;
                }
                int delta = header >>> 4;
                id = delta == 0 ? (int) zigzag(varint()) : id + delta;
                if (id == 3 && type == I64) {
                    return zigzag(varint());
                }
                skip(type);
            }
        }

        private void skip(int type) {
            switch (type) {
                case TRUE, FALSE -> { }
                case BYTE -> in.get();
                case I16, I32, I64 -> varint();
                case DOUBLE -> in.position(in.position() + 8);
                case BINARY -> in.position(in.position() + (int) varint());
                case LIST, SET -> {
                    int header = in.get() & 0xff;
                    long size = header >>> 4 == 15 ? varint() : header >>> 4;
                    int element = header & 0x0f;
                    for (long i = 0; i < size; i++) {
                        if (element == TRUE || element == FALSE) {
                            in.get();
                        } else {
                            skip(element);
                        }
                    }
                }
                case MAP -> {
                    long size = varint();
                    if (size > 0) {
                        int types = in.get() & 0xff;
                        for (long i = 0; i < size; i++) {
                            skip(types >>> 4);
                            skip(types & 0x0f);
                        }
                    }
                }
                case STRUCT -> {
                    for (int header = in.get() & 0xff; (header & 0x0f) != STOP; header = in.get() & 0xff) {
                        if (header >>> 4 == 0) {
                            varint(); // a long-form field id
                        }
                        skip(header & 0x0f);
                    }
                }
                default -> throw new IllegalStateException("unknown Thrift compact type " + type);
            }
        }

        private long varint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in.get() & 0xff;
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        private static long zigzag(long n) {
            return (n >>> 1) ^ -(n & 1);
        }
    }
}
