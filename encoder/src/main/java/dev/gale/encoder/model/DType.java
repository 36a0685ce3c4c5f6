package dev.gale.encoder.model;

/** Element types Gale reads from weight files. */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }
}
