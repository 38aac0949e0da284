package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import org.wootrichub.event.SegmentJson;

/** alias → move external_id from previousId's end user to userId, when safe (mapping spec, "alias"). */
public class AliasTransformer {

    public WootricPlan plan(JsonNode event) {
        String userId = SegmentJson.text(event, "userId");
        if (userId == null) {
            return new WootricPlan.Skip("alias", "alias_without_user_id");
        }
        return new WootricPlan.AliasPlan("alias", SegmentJson.text(event, "previousId"), userId);
    }
}
