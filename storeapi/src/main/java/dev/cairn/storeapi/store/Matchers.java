package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pb.thanos.LabelMatcher;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/** Conversions between Thanos {@code LabelMatcher}s and Cairn {@link Matcher}s. */
public final class Matchers {
    private Matchers() {
    }

    /**
     * Cairn matchers for the wire ones: RE2, fully anchored, as Thanos's {@code MatchersToPromMatchers}.
     *
     * @throws IllegalArgumentException for a regex that does not compile or an unknown type
     */
    static List<Matcher> fromProto(List<LabelMatcher> in) {
        List<Matcher> out = new ArrayList<>(in.size());
        for (LabelMatcher m : in) {
            MatchType t = switch (m.getType()) {
                case EQ -> MatchType.EQUAL;
                case NEQ -> MatchType.NOT_EQUAL;
                case RE -> MatchType.REGEX;
                case NRE -> MatchType.NOT_REGEX;
                default -> throw new IllegalArgumentException("unknown label matcher type " + m.getTypeValue()
                        + " for label " + m.getName());
            };
            out.add(Matcher.of(t, m.getName(), m.getValue()));
        }
        return out;
    }

    public static List<LabelMatcher> toProto(List<Matcher> in) {
        List<LabelMatcher> out = new ArrayList<>(in.size());
        for (Matcher m : in) {
            LabelMatcher.Type t = switch (m.type()) {
                case EQUAL -> LabelMatcher.Type.EQ;
                case NOT_EQUAL -> LabelMatcher.Type.NEQ;
                case REGEX -> LabelMatcher.Type.RE;
                case NOT_REGEX -> LabelMatcher.Type.NRE;
            };
            out.add(LabelMatcher.newBuilder().setType(t).setName(m.name()).setValue(m.value()).build());
        }
        return out;
    }

    /**
     * The matchers left for local storage once those on external labels are settled, as a Thanos
     * sidecar does: local series do not carry external labels, so a matcher on one is checked
     * against the external value and dropped; {@code null} when one of them cannot match, meaning
     * the store has nothing for the request.
     */
    static List<Matcher> withoutExternal(List<Matcher> matchers, Labels external) {
        List<Matcher> local = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            if (!external.has(m.name())) {
                local.add(m);
            } else if (!m.matches(external.get(m.name()))) {
                return null;
            }
        }
        return local;
    }
}
