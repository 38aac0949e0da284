package org.wootrichub.ingress;

/** A request the ingress refuses as a whole, with the HTTP status and error code of the reply. */
public class IngressRejection extends RuntimeException {

    private final int status;
    private final String code;

    public IngressRejection(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
