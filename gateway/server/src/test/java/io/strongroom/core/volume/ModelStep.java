package io.strongroom.core.volume;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One step of a {@link VolumeModelTest} sequence: a kind, a volume name and up to four integer parameters, which
 * mean what {@link Kind} says. Block positions are taken modulo the volume's size and runs are clipped to its end
 * when the step runs, so any step makes sense after any other: the shrinker may drop steps and lower parameters
 * freely. A parameter never goes below its kind's minimum ({@link Kind#min}), which is also the simplest value.
 *
 * @param volume one of {@link #VOLUMES}
 */
record ModelStep(Kind kind, String volume, int a, int b, int c, int d) {
    static final String[] VOLUMES = {"a", "b", "c"};
    static final int[] BLOCK_SIZES = {4096, 8192, 16384};
    static final int MAX_BLOCKS = 48;
    static final int MAX_RUN = 8;
    static final int MAX_DATA_SEED = 1000;
    static final String[] OUT_OF_RANGE_OPERATIONS = {"read", "write", "trim"};

    /** Kinds with their weights in random sequences and the minimum of each parameter a, b, c, d. */
    enum Kind {
        /** a: block size index, b: blocks, c: KEK index (service, customer key 1, customer key 2). */
        CREATE(2, 0, 1, 0, 0),
        /** a: first block, b: blocks, c: data seed, d: 1 for force unit access. */
        WRITE(7, 0, 1, 1, 0),
        /** a: first block, b: blocks. */
        READ(4, 0, 1, 0, 0),
        /** a: first block, b: blocks. */
        TRIM(2, 0, 1, 0, 0),
        FLUSH(1, 0, 0, 0, 0),
        /** a: operation index (read, write, trim), b: blocks, c: how far past the end (0: one block). */
        OUT_OF_RANGE(1, 0, 1, 0, 0),
        DELETE(1, 0, 0, 0, 0),
        RESTART(1, 0, 0, 0, 0),
        /**
         * a: KEK index (a % 3) and auto-follow (a / 3: 0 unchanged, 1 on, 2 off), b: first block, c: blocks, d: seed of
         * a write racing the change (0: none).
         */
        CHANGE_KEK(3, 0, 0, 1, 0),
        /** b: first block, c: blocks, d: seed of a write racing the rollover (0: none). */
        ROLLOVER(2, 0, 0, 1, 0),
        /** a: customer key index (1 or 2). Not drawn at random: a sequence gets at most one (RSA key generation). */
        NEW_KEY_VERSION(0, 1, 0, 0, 0);

        final int weight;
        final int[] min;

        Kind(int weight, int... min) {
            this.weight = weight;
            this.min = min;
        }
    }

    /**
     * A random sequence of {@code length} steps. One in three gets a new version of a customer key (one at most: RSA key
     * generation is slow), preceded somewhere by a KEK change of a volume to that key with auto-follow on.
     */
    static List<ModelStep> randomSequence(SplittableRandom random, int length) {
        List<ModelStep> steps = new ArrayList<>(length);
        int totalWeight = 0;
        for (Kind k : Kind.values()) {
            totalWeight += k.weight;
        }
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(totalWeight);
            Kind kind = Kind.values()[0];
            for (Kind k : Kind.values()) {
                if (pick < k.weight) {
                    kind = k;
                    break;
                }
                pick -= k.weight;
            }
            steps.add(random(kind, random));
        }
        if (length > 1 && random.nextInt(3) == 0) {
            // In the second half, and some earlier step puts a volume under that key with auto-follow on.
            int at = length / 2 + random.nextInt(length - length / 2);
            int key = 1 + random.nextInt(2);
            steps.set(at, new ModelStep(Kind.NEW_KEY_VERSION, "a", key, 0, 0, 0));
            steps.set(
                    random.nextInt(at),
                    new ModelStep(
                            Kind.CHANGE_KEK,
                            VOLUMES[random.nextInt(VOLUMES.length)],
                            key + 3,
                            random.nextInt(MAX_BLOCKS),
                            1,
                            0));
        }
        return steps;
    }

    private static ModelStep random(Kind kind, SplittableRandom random) {
        String volume = VOLUMES[random.nextInt(VOLUMES.length)];
        int first = random.nextInt(MAX_BLOCKS);
        int run = random.nextInt(5) < 3 ? 1 : 2 + random.nextInt(MAX_RUN - 1);
        int seed = 1 + random.nextInt(MAX_DATA_SEED);
        int racingSeed = random.nextBoolean() ? 0 : seed;
        return switch (kind) {
            case CREATE ->
                new ModelStep(
                        kind,
                        volume,
                        random.nextInt(BLOCK_SIZES.length),
                        1 + random.nextInt(MAX_BLOCKS),
                        random.nextInt(3),
                        0);
            case WRITE -> new ModelStep(kind, volume, first, run, seed, random.nextInt(2));
            case READ, TRIM -> new ModelStep(kind, volume, first, run, 0, 0);
            case OUT_OF_RANGE ->
                new ModelStep(
                        kind,
                        volume,
                        random.nextInt(OUT_OF_RANGE_OPERATIONS.length),
                        1 + random.nextInt(MAX_RUN),
                        random.nextInt(4),
                        0);
            case CHANGE_KEK -> {
                int follow = random.nextInt(4); // unchanged, on (twice as likely), off
                yield new ModelStep(
                        kind, volume, random.nextInt(3) + 3 * (follow == 3 ? 1 : follow), first, run, racingSeed);
            }
            case ROLLOVER -> new ModelStep(kind, volume, 0, first, run, racingSeed);
            case FLUSH, DELETE, RESTART, NEW_KEY_VERSION -> new ModelStep(kind, volume, 0, 0, 0, 0);
        };
    }

    int param(int index) {
        return switch (index) {
            case 0 -> a;
            case 1 -> b;
            case 2 -> c;
            default -> d;
        };
    }

    ModelStep withParam(int index, int value) {
        return new ModelStep(
                kind,
                volume,
                index == 0 ? value : a,
                index == 1 ? value : b,
                index == 2 ? value : c,
                index == 3 ? value : d);
    }

    ModelStep withVolume(String name) {
        return new ModelStep(kind, name, a, b, c, d);
    }

    /** Runs the step against the stack and its model; {@code keks} are the model's KEK names by index. */
    void apply(ModelledStack stack, List<String> keks) {
        switch (kind) {
            case CREATE -> stack.create(volume, BLOCK_SIZES[a], b, keks.get(c));
            case WRITE -> stack.write(volume, a, b, d == 1, c);
            case READ -> stack.read(volume, a, b);
            case TRIM -> stack.trim(volume, a, b);
            case FLUSH -> stack.flush(volume);
            case OUT_OF_RANGE -> stack.outOfRange(volume, OUT_OF_RANGE_OPERATIONS[a], b, c);
            case DELETE -> stack.delete(volume);
            case RESTART -> stack.restart();
            case CHANGE_KEK -> stack.changeKek(volume, keks.get(a % 3), follow(), racing(), b, c);
            case ROLLOVER -> stack.rollover(volume, racing(), b, c);
            case NEW_KEY_VERSION -> stack.rotateKey(keks.get(a));
        }
    }

    private @Nullable Boolean follow() {
        return a / 3 == 0 ? null : a / 3 == 1;
    }

    private @Nullable Integer racing() {
        return d == 0 ? null : d;
    }

    @Override
    public String toString() {
        String run = "[" + a + " mod size, " + b + " blocks]";
        String raced = d == 0 ? "" : " racing a write [" + b + " mod size, " + c + " blocks] seed " + d;
        return switch (kind) {
            case CREATE -> "create " + volume + " (" + b + " x " + BLOCK_SIZES[a] + " B, KEK " + c + ")";
            case WRITE -> "write " + volume + " " + run + " seed " + c + (d == 1 ? " fua" : "");
            case READ -> "read " + volume + " " + run;
            case TRIM -> "trim " + volume + " " + run;
            case FLUSH -> "flush " + volume;
            case OUT_OF_RANGE ->
                OUT_OF_RANGE_OPERATIONS[a] + " " + volume + " " + b + " blocks ending " + (c + 1) + " past its end";
            case DELETE -> "delete " + volume;
            case RESTART -> "restart";
            case CHANGE_KEK ->
                "KEK of " + volume + " to KEK " + a % 3
                        + (a / 3 == 0 ? "" : a / 3 == 1 ? ", auto-follow on" : ", auto-follow off") + raced;
            case ROLLOVER -> "rollover " + volume + raced;
            case NEW_KEY_VERSION -> "new version of KEK " + a;
        };
    }
}
