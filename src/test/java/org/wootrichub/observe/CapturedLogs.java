package org.wootrichub.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every event the log configuration lets through to the root logger while open (the project's log4j2.properties,
 * filters included), for tests that check what reaches the log. Loggers below the given level are opened to it.
 */
public final class CapturedLogs extends AbstractAppender implements AutoCloseable {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final LoggerContext context;
    private final List<String> opened;
    private final List<Level> previous = new CopyOnWriteArrayList<>();

    /** @param loggers logger names whose level is lowered to {@code level} while capturing */
    public CapturedLogs(Level level, String... loggers) {
        super("captured", null, null, true, Property.EMPTY_ARRAY);
        this.context = (LoggerContext) LogManager.getContext(false);
        this.opened = List.of(loggers);
        Configuration configuration = context.getConfiguration();
        start();
        configuration.getRootLogger().addAppender(this, Level.ALL, null);
        for (String name : opened) {
            LoggerConfig logger = configuration.getLoggerConfig(name);
            previous.add(logger.getLevel());
            logger.setLevel(level);
        }
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        events.add(event.toImmutable());
    }

    public List<LogEvent> events() {
        return List.copyOf(events);
    }

    /** The formatted messages of the captured events. */
    public List<String> messages() {
        return events.stream().map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        Configuration configuration = context.getConfiguration();
        configuration.getRootLogger().removeAppender(getName());
        for (int i = 0; i < opened.size(); i++) {
            configuration.getLoggerConfig(opened.get(i)).setLevel(previous.get(i));
        }
        context.updateLoggers();
        stop();
    }
}
