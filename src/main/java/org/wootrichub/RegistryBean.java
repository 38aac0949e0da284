package org.wootrichub;

import org.apache.camel.CamelContext;

/**
 * A bean of the registry that a route step finds on its first exchange instead of being given it when made: the hub's
 * beans are made in no fixed order (an injected bean that is not made yet fails the start), and a route test replaces
 * some of them after the hub's are made.
 */
public final class RegistryBean<T> {

    private final String name;
    private final Class<T> type;
    private volatile T bean;

    public RegistryBean(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    public T in(CamelContext context) {
        T found = bean;
        if (found == null) {
            found = context.getRegistry().lookupByNameAndType(name, type);
            if (found == null) {
                throw new IllegalStateException("no " + type.getSimpleName() + " named " + name + " in the registry");
            }
            bean = found;
        }
        return found;
    }
}
