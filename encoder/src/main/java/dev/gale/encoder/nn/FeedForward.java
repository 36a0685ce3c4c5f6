package dev.gale.encoder.nn;

/**
 * The position-wise feed-forward block: out(act(in(x))), or gated (GeGLU / SwiGLU):
 * out(act(u) * g) where in(x) = u | g, the activated half first.
 * <pre>  H hidden, I intermediate </pre>
 *
 * @param in    Linear H -> I, or H -> 2I when gated (ModernBERT's Wi; NomicBERT's and GTE's gate_proj | up_proj)
 * @param gated whether the second half of in(x) multiplies the activated first half
 * @param out   Linear I -> H
 */
public record FeedForward(Linear in, Activation activation, boolean gated, Linear out) {

    public FeedForward {
        int intermediate = gated ? in.out() / 2 : in.out();
        if ((gated && in.out() % 2 != 0) || out.in() != intermediate) {
            throw new IllegalArgumentException("feed-forward sizes do not chain: in " + in.in() + " -> " + in.out()
                    + (gated ? " (gated)" : "") + ", out " + out.in() + " -> " + out.out());
        }
    }

    public int intermediateSize() {
        return out.in();
    }
}
