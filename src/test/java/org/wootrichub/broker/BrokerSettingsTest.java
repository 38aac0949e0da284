package org.wootrichub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.wootrichub.it.HubDefaults;

/**
 * The embedded broker's address settings, and docker/artemis/broker.xml which writes them again for an external
 * broker: the two agree, and the paging queues leave the pending queue (which never pages) most of the broker's
 * memory, so that only pending changes themselves can make a pending write wait.
 */
class BrokerSettingsTest {

    private static final long MIB = 1024 * 1024;
    /** bin/wootric-hub's heap; Artemis's global-max-size is half of it. */
    private static final long LAUNCHER_HEAP = 256 * MIB;

    @Test
    void thePagingQueuesKeepAtMostAQuarterOfTheLaunchersHeapInMemory() {
        QueueNames queues = HubDefaults.queues();
        long paging = BrokerSettings.forEventsQueue(queues).getMaxSizeBytes()
                + BrokerSettings.PAGING_HUB_QUEUES * BrokerSettings.forHubQueue().getMaxSizeBytes();
        assertThat(paging).as("at most half of the global memory (half the heap)").isLessThanOrEqualTo(LAUNCHER_HEAP / 2 / 2);
    }

    @Test
    void thePendingQueueNeverPagesItsWritersWaitInstead() {
        AddressSettings pending = BrokerSettings.forPendingQueue();
        assertThat(pending.getMaxSizeBytes()).isEqualTo(-1);
        assertThat(pending.getAddressFullMessagePolicy()).isEqualTo(AddressFullMessagePolicy.BLOCK);
    }

    @Test
    void brokerXmlHasTheSameBoundsAndPolicies() throws Exception {
        String xml = Files.readString(Path.of("docker", "artemis", "broker.xml"));
        QueueNames queues = HubDefaults.queues();
        Map<String, AddressSettings> expected = Map.of(
                queues.events(), BrokerSettings.forEventsQueue(queues),
                queues.rejected(), BrokerSettings.forHubQueue(),
                queues.deadLetters(), BrokerSettings.forHubQueue(),
                QueueNames.OUTCOMES, BrokerSettings.forHubQueue(),
                BrokerSettings.FINAL_DEAD_LETTER_ADDRESS, BrokerSettings.forHubQueue(),
                queues.pending(), BrokerSettings.forPendingQueue());
        expected.forEach((address, settings) -> {
            String block = block(xml, address);
            assertThat(value(block, "max-size-bytes")).as(address).isEqualTo(String.valueOf(settings.getMaxSizeBytes()));
            assertThat(value(block, "address-full-policy")).as(address).isEqualTo(settings.getAddressFullMessagePolicy().name());
        });
    }

    private static String block(String xml, String address) {
        int start = xml.indexOf("<address-setting match=\"" + address + "\">");
        assertThat(start).as("broker.xml has settings for %s", address).isNotNegative();
        return xml.substring(start, xml.indexOf("</address-setting>", start));
    }

    private static String value(String block, String element) {
        Matcher matcher = Pattern.compile("<" + element + ">([^<]*)</" + element + ">").matcher(block);
        return matcher.find() ? matcher.group(1) : null;
    }
}
