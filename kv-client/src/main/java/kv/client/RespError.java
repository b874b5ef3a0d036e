package kv.client;

/** A decoded RESP2 error reply ("-CODE message"), kept as a value until a call maps it. */
record RespError(String line) {
    /** The first word: "ERR", "CLUSTERDOWN", ... */
    String code() {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    /**
     * The typed exception for this error. UNKNOWN maps to {@link UnknownOutcomeException}; the
     * retry logic decides before mapping whether a code is retried.
     */
    KvException toException() {
        String message = line;
        return switch (code()) {
            case "WRONGTYPE" -> new WrongTypeException(message);
            case "LIMIT" -> new LimitException(message);
            case "BUSY" -> new BusyException(message);
            case "TRYAGAIN" -> new TryAgainException(message);
            case "CLUSTERDOWN" -> new NoQuorumException(message);
            case "UNKNOWN" -> new UnknownOutcomeException(message);
            case "SESSIONEXPIRED" -> new SessionExpiredException(message);
            case "EXECABORT" -> new ExecAbortException(message);
            case "UNAVAILABLE" -> new UnavailableException(message);
            case "NOAUTH", "WRONGPASS" -> new AuthException(message);
            default -> new ServerErrorException(message);
        };
    }

    @Override
    public String toString() {
        return "-" + line;
    }
}
