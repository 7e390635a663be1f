package dev.cairn.tsdb.index;

import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The series a list of label matchers selects, with the semantics of Prometheus's
 * tsdb.PostingsForMatchers (2.x):
 * <ul>
 *   <li>a missing label is the empty string, so a matcher that matches "" also selects series
 *       without the label: it is turned into "subtract the series whose value does not match";
 *   <li>{@code !=} and {@code !~} whose inner matcher does not match "" are also subtracted (the
 *       series that do match the inverse), from the intersection of the other matchers or from all
 *       series when nothing else narrows the set;
 *   <li>when another matcher on the same name already requires the label, a matcher that matches ""
 *       no longer needs the subtraction and selects values directly;
 *   <li>no matchers select nothing; a matcher with empty name and value selects all series.
 * </ul>
 * Values are selected without the regex engine where {@link Matcher#setMatches()} or
 * {@link Matcher#literalPrefix()} say what matches.
 */
public final class PostingsForMatchers {
    private PostingsForMatchers() {
    }

    public static Postings select(PostingsIndex ix, List<Matcher> ms) {
        List<Postings> its = new ArrayList<>();
        List<Postings> notIts = new ArrayList<>();
        // optimization for {l=~".+", l!="1"}: some matcher proves l must be set
        Set<String> mustBeSet = new HashSet<>();
        for (Matcher m : ms) {
            if (!m.matchesEmpty()) {
                mustBeSet.add(m.name());
            }
        }
        for (Matcher m : ms) {
            if (m.name().isEmpty() && m.value().isEmpty()) {
                its.add(ix.allPostings());
            } else if (mustBeSet.contains(m.name())) {
                boolean matchesEmpty = m.matchesEmpty();
                boolean isNot = m.type() == MatchType.NOT_EQUAL || m.type() == MatchType.NOT_REGEX;
                if (isNot && matchesEmpty) {
                    // l!="foo": subtract the series with l="foo"
                    notIts.add(postingsForMatcher(ix, inverse(m)));
                } else if (isNot) {
                    // l!="" style: the series whose value the inverse rejects
                    Postings it = inversePostingsForMatcher(ix, inverse(m));
                    if (it == Postings.EMPTY) {
                        return Postings.EMPTY;
                    }
                    its.add(it);
                } else {
                    Postings it = postingsForMatcher(ix, m);
                    if (it == Postings.EMPTY) {
                        return Postings.EMPTY;
                    }
                    its.add(it);
                }
            } else {
                // matches "": selects series without the label too, so subtract those that fail it
                notIts.add(inversePostingsForMatcher(ix, m));
            }
        }
        if (its.isEmpty() && !notIts.isEmpty()) {
            its.add(ix.allPostings());
        }
        Postings it = IntersectPostings.of(its);
        for (Postings n : notIts) {
            it = WithoutPostings.of(it, n);
        }
        return it;
    }

    public static Postings select(PostingsIndex ix, Matcher... ms) {
        return select(ix, List.of(ms));
    }

    private static Matcher inverse(Matcher m) {
        MatchType t = switch (m.type()) {
            case EQUAL -> MatchType.NOT_EQUAL;
            case NOT_EQUAL -> MatchType.EQUAL;
            case REGEX -> MatchType.NOT_REGEX;
            case NOT_REGEX -> MatchType.REGEX;
        };
        return Matcher.of(t, m.name(), m.value());
    }

    /** Series with label {@code m.name()} set to a value {@code m} matches; never those without it. */
    private static Postings postingsForMatcher(PostingsIndex ix, Matcher m) {
        if (m.type() == MatchType.EQUAL) {
            return ix.postings(m.name(), List.of(m.value()));
        }
        if (m.type() == MatchType.REGEX) {
            List<String> set = m.setMatches();
            if (set != null) {
                return ix.postings(m.name(), set);
            }
        }
        List<String> values = ix.labelValues(m.name());
        List<String> res = new ArrayList<>();
        String prefix = m.literalPrefix();
        int from = 0;
        int to = values.size();
        if (prefix != null) {
            // values are sorted: those with the prefix form one run
            from = lowerBound(values, prefix);
            to = from;
            while (to < values.size() && values.get(to).startsWith(prefix)) {
                to++;
            }
        }
        for (int i = from; i < to; i++) {
            String v = values.get(i);
            if (m.matches(v)) {
                res.add(v);
            }
        }
        return res.isEmpty() ? Postings.EMPTY : ix.postings(m.name(), res);
    }

    /** Series with label {@code m.name()} set to a value {@code m} does not match. */
    private static Postings inversePostingsForMatcher(PostingsIndex ix, Matcher m) {
        List<String> values = ix.labelValues(m.name());
        List<String> res;
        if (m.type() == MatchType.EQUAL && m.value().isEmpty()) {
            res = values;
        } else {
            res = new ArrayList<>();
            for (String v : values) {
                if (!m.matches(v)) {
                    res.add(v);
                }
            }
        }
        return res.isEmpty() ? Postings.EMPTY : ix.postings(m.name(), res);
    }

    private static int lowerBound(List<String> sorted, String key) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Utf8Order.compare(sorted.get(mid), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
