package org.wootrichub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JmsSelectorTest {

    @Test
    void quotesEveryValueAndLeavesOutMissingOnes() {
        assertThat(JmsSelector.allEqual("a", null, "b", null)).isNull();
        assertThat(JmsSelector.allEqual("a", "x", "b", null)).isEqualTo("a = 'x'");
        assertThat(JmsSelector.allEqual("a", "x' OR '1'='1", "b", "y"))
                .isEqualTo("a = 'x'' OR ''1''=''1' AND b = 'y'");
    }
}
