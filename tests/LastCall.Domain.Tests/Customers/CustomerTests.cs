using LastCall.Domain.Customers;

namespace LastCall.Domain.Tests.Customers;

public class CustomerTests
{
    private static readonly ProtectedIdNumber IdNumber = new("ciphertext-base64", "blind-index-hex", "1101**********1233");

    private static Customer NewCustomer() =>
        Customer.Register("Zhang San", IdType.ResidentId, IdNumber, "zh-CN", "zhang.san@example.com", TestData.Now).Value;

    [Fact]
    public void Register_ValidInput_Succeeds()
    {
        var result = Customer.Register("  Zhang San ", IdType.ResidentId, IdNumber, "zh-CN", " zhang.san@example.com ", TestData.Now);

        Assert.True(result.IsSuccess);
        var customer = result.Value;
        Assert.NotEqual(Guid.Empty, customer.Id);
        Assert.Equal(7, customer.Id.Version);
        Assert.Equal("Zhang San", customer.Name);
        Assert.Equal(IdType.ResidentId, customer.IdType);
        Assert.Equal("ciphertext-base64", customer.IdNumberCiphertext);
        Assert.Equal("blind-index-hex", customer.IdNumberBlindIndex);
        Assert.Equal("1101**********1233", customer.IdNumberMasked);
        Assert.Equal(IdNumber, customer.IdNumber);
        Assert.Equal("zh-CN", customer.PreferredLanguage);
        Assert.Equal("zhang.san@example.com", customer.Email);
        Assert.False(customer.AccountLocked);
        Assert.Null(customer.AccountLockedAt);
        Assert.Equal(TestData.Now, customer.CreatedAt);
        Assert.Equal(0, customer.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Register_BlankEmail_StoresNull(string? email)
    {
        var customer = Customer.Register("Li Si", IdType.Passport, IdNumber, "en", email, TestData.Now).Value;

        Assert.Null(customer.Email);
        Assert.Equal("en", customer.PreferredLanguage);
    }

    [Fact]
    public void Register_NameOfMaxLength_Succeeds()
    {
        var name = new string('a', Customer.MaxNameLength);

        var result = Customer.Register(name, IdType.ResidentId, IdNumber, "en", null, TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(name, result.Value.Name);
    }

    [Fact]
    public void Register_ChineseName_Succeeds()
    {
        var result = Customer.Register("张三", IdType.ResidentId, IdNumber, "zh-CN", null, TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal("张三", result.Value.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Register_EmptyName_FailsWithInvalidName(string? name)
    {
        var result = Customer.Register(name, IdType.ResidentId, IdNumber, "zh-CN", null, TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_name", result.Error!.Code);
        Assert.Contains("1 to 100 characters", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_TooLongName_FailsWithInvalidName()
    {
        var result = Customer.Register(new string('a', Customer.MaxNameLength + 1), IdType.ResidentId, IdNumber, "zh-CN", null, TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_name", result.Error!.Code);
    }

    [Theory]
    [InlineData("Zhang\nSan")]
    [InlineData("Zhang\tSan")]
    [InlineData("Zhang\u0000San")]
    [InlineData("Zhang\u007fSan")]
    public void Register_ControlCharacterInName_FailsWithInvalidName(string name)
    {
        var result = Customer.Register(name, IdType.ResidentId, IdNumber, "zh-CN", null, TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_name", result.Error!.Code);
        Assert.Contains("control characters", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("zh-cn")]
    [InlineData("zh-TW")]
    [InlineData("EN")]
    [InlineData("")]
    public void Register_UnsupportedLanguage_FailsWithInvalidLanguage(string language)
    {
        var result = Customer.Register("Zhang San", IdType.ResidentId, IdNumber, language, null, TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_language", result.Error!.Code);
    }

    [Fact]
    public void LockAccount_Unlocked_LocksAndRecordsTime()
    {
        var customer = NewCustomer();

        var result = customer.LockAccount(TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.True(customer.AccountLocked);
        Assert.Equal(TestData.Later, customer.AccountLockedAt);
    }

    [Fact]
    public void LockAccount_AlreadyLocked_FailsWithAlreadyLockedAndKeepsTime()
    {
        var customer = NewCustomer();
        Assert.True(customer.LockAccount(TestData.Later).IsSuccess);

        var result = customer.LockAccount(TestData.MuchLater);

        Assert.False(result.IsSuccess);
        Assert.Equal("already_locked", result.Error!.Code);
        Assert.True(customer.AccountLocked);
        Assert.Equal(TestData.Later, customer.AccountLockedAt);
    }

    [Fact]
    public void UnlockAccount_NotLocked_FailsWithNotLocked()
    {
        var customer = NewCustomer();

        var result = customer.UnlockAccount();

        Assert.False(result.IsSuccess);
        Assert.Equal("not_locked", result.Error!.Code);
        Assert.False(customer.AccountLocked);
    }

    [Fact]
    public void UnlockAccount_Locked_UnlocksAndClearsTime()
    {
        var customer = NewCustomer();
        Assert.True(customer.LockAccount(TestData.Later).IsSuccess);

        var result = customer.UnlockAccount();

        Assert.True(result.IsSuccess);
        Assert.False(customer.AccountLocked);
        Assert.Null(customer.AccountLockedAt);
    }

    [Fact]
    public void UnlockAccount_Twice_SecondFailsWithNotLocked()
    {
        var customer = NewCustomer();
        Assert.True(customer.LockAccount(TestData.Later).IsSuccess);
        Assert.True(customer.UnlockAccount().IsSuccess);

        var result = customer.UnlockAccount();

        Assert.Equal("not_locked", result.Error!.Code);
    }

    [Fact]
    public void Rename_ValidName_ChangesTrimmedName()
    {
        var customer = NewCustomer();

        var result = customer.Rename("  Wang Wu  ");

        Assert.True(result.IsSuccess);
        Assert.Equal("Wang Wu", customer.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Wang\rWu")]
    public void Rename_InvalidName_FailsAndKeepsOldName(string? name)
    {
        var customer = NewCustomer();

        var result = customer.Rename(name);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_name", result.Error!.Code);
        Assert.Equal("Zhang San", customer.Name);
    }

    [Fact]
    public void Rename_TooLongName_FailsAndKeepsOldName()
    {
        var customer = NewCustomer();

        var result = customer.Rename(new string('b', Customer.MaxNameLength + 1));

        Assert.Equal("invalid_name", result.Error!.Code);
        Assert.Equal("Zhang San", customer.Name);
    }
}
