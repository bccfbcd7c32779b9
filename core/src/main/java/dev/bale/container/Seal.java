package dev.bale.container;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checksums over a container's metadata, kept in its manifest as one extra JSON member,
 * {@code "integrity"}: for each part a reader trusts (index files, keys, class ids, database
 * bookkeeping) its length and CRC-32C, plus a CRC-32C of the manifest itself. The manifest's own
 * checksum is taken over its parsed JSON (compact, members in file order) with
 * {@code integrity.manifest} left out, so it covers every value, every class name and every other
 * recorded check, and does not depend on whitespace. Readers that do not know the member (other
 * tools reading {@code manifest.json}) ignore it.
 */
public final class Seal {
    public static final String MEMBER = "integrity";
    public static final String ALGORITHM = "crc32c";
    /** The part name under which every layout records the class ids, as little-endian int32s. */
    public static final String CLASS_IDS = "classIds";

    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

    private Seal() {
    }

    /** The manifest's JSON with {@code checks} and the manifest's own checksum added. */
    public static String write(Manifest manifest, Map<String, Check> checks) {
        JsonObject tree = JsonParser.parseString(manifest.toJson()).getAsJsonObject();
        JsonObject integrity = new JsonObject();
        integrity.addProperty("algorithm", ALGORITHM);
        JsonObject parts = new JsonObject();
        checks.forEach((name, check) -> {
            JsonObject part = new JsonObject();
            part.addProperty("bytes", check.bytes());
            part.addProperty("crc32c", Check.hex(check.crc32c()));
            parts.add(name, part);
        });
        integrity.add("parts", parts);
        tree.add(MEMBER, integrity);
        integrity.addProperty("manifest", Check.hex(selfCrc(tree)));
        return PRETTY.toJson(tree);
    }

    /**
     * Reads a manifest: UTF-8, JSON, its own checksum, then {@link Manifest#fromJson}'s checks.
     *
     * @param where names the manifest in messages (a file, or a database and key)
     * @throws CorruptContainerException naming {@code where} and what is wrong, in words
     */
    public static Sealed read(byte[] bytes, Object where) {
        String text = MetaFiles.utf8(bytes, where);
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new CorruptContainerException(where + ": not valid JSON" + position(e), e);
        } catch (RuntimeException e) {
            // Gson reports some damage (deep nesting, a number too long) as other exceptions.
            throw new CorruptContainerException(where + ": not valid JSON (" + e.getClass().getSimpleName() + ")", e);
        }
        if (!parsed.isJsonObject()) {
            throw new CorruptContainerException(where + ": not a Bale manifest (not a JSON object)");
        }
        JsonObject tree = parsed.getAsJsonObject();
        JsonElement integrity = tree.get(MEMBER);
        Map<String, Check> checks = null;
        if (integrity != null) {
            checks = checks(tree, integrity, where);
            tree.remove(MEMBER);
        }
        Manifest manifest;
        try {
            manifest = Manifest.fromJson(COMPACT.toJson(tree), where.toString());
        } catch (CorruptContainerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptContainerException(where + ": not a valid Bale manifest (" + e.getClass().getSimpleName() + ")", e);
        }
        return new Sealed(manifest, checks);
    }

    private static Map<String, Check> checks(JsonObject tree, JsonElement integrity, Object where) {
        try {
            JsonObject members = integrity.getAsJsonObject();
            String recorded = members.get("manifest").getAsString();
            members.remove("manifest");
            int actual = selfCrc(tree);
            members.addProperty("manifest", recorded);
            if (!Check.hex(actual).equals(recorded)) {
                throw new CorruptContainerException(where + ": checksum mismatch: the manifest is damaged (CRC-32C "
                        + Check.hex(actual) + ", recorded " + MetaFiles.escape(recorded) + ")");
            }
            if (!ALGORITHM.equals(members.get("algorithm").getAsString())) {
                throw new CorruptContainerException(where + ": unknown checksum algorithm '"
                        + MetaFiles.escape(members.get("algorithm").getAsString()) + "'");
            }
            Map<String, Check> checks = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> part : members.getAsJsonObject("parts").entrySet()) {
                JsonObject check = part.getValue().getAsJsonObject();
                checks.put(part.getKey(), new Check(check.get("bytes").getAsLong(),
                        Integer.parseUnsignedInt(check.get("crc32c").getAsString(), 16)));
            }
            return checks;
        } catch (CorruptContainerException e) {
            throw e;
        } catch (RuntimeException e) {
            // Missing members, wrong kinds: only reachable if the checksum matched a malformed
            // member, which the writer never produces.
            throw new CorruptContainerException(where + ": the manifest's integrity record is malformed", e);
        }
    }

    private static int selfCrc(JsonObject tree) {
        return MetaFiles.crc32c(COMPACT.toJson(tree).getBytes(StandardCharsets.UTF_8));
    }

    private static String position(RuntimeException e) {
        Matcher m = e.getMessage() == null ? null : POSITION.matcher(e.getMessage());
        return m != null && m.find() ? " at line " + m.group(1) + " column " + m.group(2) : "";
    }
}
