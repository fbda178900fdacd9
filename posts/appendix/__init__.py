"""Reading the spreadsheet appendices councils already keep. Plain Python: `reading` opens
the file, `columns` finds the table and maps its columns, `rows` reads each row as the
council meant it. `posts.importing` saves what they find."""
