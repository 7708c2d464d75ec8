-- CreateTable: node positions of the visual editor, one layout map per pipeline version. Kept out of
-- the YAML (presentation, not pipeline: a drag must not make a new version) and out of
-- PipelineVersion (never updated): moving the nodes of a saved version overwrites this row only.
CREATE TABLE "PipelineLayout" (
    "versionId" TEXT NOT NULL PRIMARY KEY,
    "layout" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PipelineLayout_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "PipelineVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
