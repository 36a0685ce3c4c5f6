package dev.gale.encoder.tokenizer;

import java.util.Arrays;

/** A growable int array: token ids collected during one encode call. */
final class IntList {

    private int[] values;
    private int size;

    IntList(int capacity) {
        values = new int[Math.max(capacity, 8)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return values[index];
    }

    /** Drops everything from {@code newSize} on. */
    void truncate(int newSize) {
        if (newSize < size) {
            size = newSize;
        }
    }

    /** Copies the first {@code count} values into {@code target} at {@code offset}. */
    void copyTo(int count, int[] target, int offset) {
        System.arraycopy(values, 0, target, offset, count);
    }
}
