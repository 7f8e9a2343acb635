package io.strongroom.vault.local.http;

/**
 * The vault operations served, each with its audit/fault name and the key permission it needs
 * (Azure access-policy names, lower case).
 */
enum Operation {
    LIST_KEYS("list", "list"),
    GET_KEY("get", "get"),
    CREATE_KEY("create", "create"),
    UPDATE_KEY("update", "update"),
    ROTATE_KEY("rotate", "rotate"),
    DELETE_KEY("delete", "delete"),
    LIST_VERSIONS("listVersions", "list"),
    WRAP_KEY("wrapKey", "wrapkey"),
    UNWRAP_KEY("unwrapKey", "unwrapkey"),
    LIST_DELETED("listDeleted", "list"),
    GET_DELETED("getDeleted", "get"),
    RECOVER_DELETED("recover", "recover"),
    PURGE_DELETED("purge", "purge"),
    BACKUP_KEY("backup", "backup"),
    RESTORE_KEY("restore", "restore"),
    IMPORT_KEY("import", "import");

    final String auditName;
    final String permission;

    Operation(String auditName, String permission) {
        this.auditName = auditName;
        this.permission = permission;
    }
}
