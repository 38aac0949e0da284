package org.wootrichub.broker;

/** JMS selectors built from values that may come from a request: each value is quoted, so no selector can be injected. */
public final class JmsSelector {

    private JmsSelector() {
    }

    /**
     * A selector matching messages whose properties equal the given values, all of them.
     *
     * @param namesAndValues property name, value, name, value...; a pair whose value is null is left out
     * @return the selector, or null when every value is null (no selector: every message)
     */
    public static String allEqual(String... namesAndValues) {
        StringBuilder selector = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value == null) {
                continue;
            }
            if (selector.length() > 0) {
                selector.append(" AND ");
            }
            selector.append(namesAndValues[i]).append(" = '").append(value.replace("'", "''")).append("'");
        }
        return selector.length() == 0 ? null : selector.toString();
    }
}
