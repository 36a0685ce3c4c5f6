package dev.gale.encoder.tokenizer;

import java.util.Arrays;

/** A growable int array: ids, offsets and spans collected during one encode call. */
public final class IntList {

    private int[] values;
    private int size;

    public IntList(int capacity) {
        values = new int[Math.max(capacity, 8)];
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    public void add(int a, int b, int c) {
        if (size + 3 > values.length) {
            values = Arrays.copyOf(values, Math.max(size * 2, size + 3));
        }
        values[size] = a;
        values[size + 1] = b;
        values[size + 2] = c;
        size += 3;
    }

    public int size() {
        return size;
    }

    public int get(int index) {
        return values[index];
    }

    public void set(int index, int value) {
        values[index] = value;
    }

    /** Drops everything from {@code newSize} on. */
    public void truncate(int newSize) {
        if (newSize < size) {
            size = newSize;
        }
    }

    public void clear() {
        size = 0;
    }

    /** Copies the first {@code count} values into {@code target} at {@code offset}. */
    public void copyTo(int count, int[] target, int offset) {
        System.arraycopy(values, 0, target, offset, count);
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
