REM A colleague's edits, made by LibreOffice itself: tests/test_absorb.py installs this
REM module in a LibreOffice profile of its own and runs Edit on the briefing's Word file.

REM A failure is written to OUT.error for the test to show: headless LibreOffice cannot show
REM Basic's error dialog, and aborts when it tries.
Dim sStep As String

Function FindText(oDoc As Object, sText As String) As Object
    Dim oDesc As Object
    sStep = "finding " & sText
    oDesc = oDoc.createSearchDescriptor()
    oDesc.SearchString = sText
    oDesc.SearchCaseSensitive = True
    FindText = oDoc.findFirst(oDesc)
    If IsNull(FindText) Then
        Error 5
    End If
End Function

Sub Report(sOut As String, sMessage As String)
    iFile = FreeFile
    Open sOut & ".error" For Output As #iFile
    Print #iFile, sMessage
    Close #iFile
End Sub

REM Replace sWord by sNewWord; delete the paragraph holding sDelete; with changes recorded,
REM replace sTracked by sNewTracked; comment sComment on the passage sCommented; save as DOCX.
Sub Edit(sIn As String, sOut As String, sWord As String, sNewWord As String, sDelete As String, _
         sTracked As String, sNewTracked As String, sCommented As String, sComment As String)
    On Error GoTo Failed
    Dim aLoad(0) As New com.sun.star.beans.PropertyValue
    aLoad(0).Name = "Hidden"
    aLoad(0).Value = True
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, aLoad())
    REM No window of the hidden view is drawn: a comment's margin window fails in a build
    REM without a user interface (libreoffice-writer-nogui), which aborts the program.
    oDoc.lockControllers()

    FindText(oDoc, sWord).setString(sNewWord)

    oCursor = oDoc.getText().createTextCursorByRange(FindText(oDoc, sDelete))
    sStep = "deleting the paragraph of " & sDelete
    oParagraphs = oCursor.createEnumeration()
    oParagraphs.nextElement().dispose()

    sStep = "recording a change"
    oDoc.RecordChanges = True
    FindText(oDoc, sTracked).setString(sNewTracked)
    oDoc.RecordChanges = False

    sStep = "commenting"
    oComment = oDoc.createInstance("com.sun.star.text.textfield.Annotation")
    oComment.Author = "Rita Reviewer"
    oComment.Content = sComment
    oPassage = FindText(oDoc, sCommented)
    oPassage.getText().insertTextContent(oPassage, oComment, True)

    sStep = "saving"
    Dim aStore(0) As New com.sun.star.beans.PropertyValue
    aStore(0).Name = "FilterName"
    aStore(0).Value = "MS Word 2007 XML"
    oDoc.storeToURL(ConvertToURL(sOut), aStore())
    oDoc.close(True)
    Exit Sub
Failed:
    Report(sOut, "Error " & Err & " (" & Error$ & ") while " & sStep)
    If Not IsNull(oDoc) Then oDoc.close(True)
End Sub

REM Open and save again with no edit: what LibreOffice alone changes.
Sub Resave(sIn As String, sOut As String)
    Dim aLoad(0) As New com.sun.star.beans.PropertyValue
    aLoad(0).Name = "Hidden"
    aLoad(0).Value = True
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, aLoad())
    Dim aStore(0) As New com.sun.star.beans.PropertyValue
    aStore(0).Name = "FilterName"
    aStore(0).Value = "MS Word 2007 XML"
    oDoc.storeToURL(ConvertToURL(sOut), aStore())
    oDoc.close(True)
End Sub
